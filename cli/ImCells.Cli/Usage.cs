namespace ImCells.Cli;

/// <summary>The help text shown on --help and after a usage error.</summary>
internal static class Usage
{
    private const string Text = """
        usage: imcells <command> [options]

          up       [--topology PATH]                          start master, login and cells; Ctrl-C stops them
          status   [--login URL]                              topology version and the load of every cell
          register --name NAME --password PW [--cell ID]      prints the new user number
          send     --user N --password PW --to M --text T     prints "<message_id> <seq>"
          recv     --user N --password PW [--from-seq S] [--wait SECONDS] [--json]
                                                              prints the mailbox after seq S (default 0)
          chat     --user N --password PW                     interactive: "@M text" sends, incoming printed

        user commands also take --login URL (default: login[0].http of ./topology.json or
        $IMCELLS_ROOT/topology.json) and --device ID (default "cli").
        exit codes: 0 ok, 1 server or transport error, 2 bad arguments.
        """;

    public static int Print(TextWriter writer, int exitCode)
    {
        writer.WriteLine(Text);
        return exitCode;
    }
}
