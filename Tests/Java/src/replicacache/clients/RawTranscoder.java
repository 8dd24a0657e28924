package replicacache.clients;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/** Stores and returns flags and bytes exactly as given: no serialization, no compression. */
public final class RawTranscoder implements Transcoder<CachedData> {
    private final int maxSize;

    public RawTranscoder(int maxSize) {
        this.maxSize = maxSize;
    }

    @Override
    public boolean asyncDecode(CachedData data) {
        return false;
    }

    @Override
    public CachedData encode(CachedData data) {
        return data;
    }

    @Override
    public CachedData decode(CachedData data) {
        return data;
    }

    @Override
    public int getMaxSize() {
        return maxSize;
    }
}
