import Glibc

exit(ReplicaCacheMain.run(arguments: Array(CommandLine.arguments.dropFirst())))
