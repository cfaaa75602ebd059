namespace ImCells.Bench;

/// <summary>The help of `imcells bench` and of each benchmark: options, defaults, an example. Printed by --help / -h.</summary>
internal static class BenchUsage
{
    public static readonly string[] Kinds = ["chat", "connections", "login", "reconnect", "group"];

    public const string Overview = """
        usage: imcells bench <benchmark> [options]        (imcells bench <benchmark> --help for its options)
          chat          message pairs: send -> delivered latency, loss, rate        (the one to start with)
          connections   N idle authenticated connections and what each costs the cell
          login         password logins per second through the login server
          reconnect     N devices drop and reconnect at once with their tokens
          group         one group of N members: send -> every online member's device
        First start the benchmark cluster in another terminal:  ./imcells up --profile bench
        then, for example:                                      ./imcells bench chat --users 200 --seconds 10

        """ + Common;

    public const string Common = """
        common options:
          --login URL          the login server (default: the first of topology.json, else http://127.0.0.1:7100)
          --pool NAME          a separate user file, data/bench-users-<cell>-NAME.tsv (default: data/bench-users-<cell>.tsv)
          --timeout SECONDS    bound on the whole run (default 900, plus --hold)
          --pki DIR            PKI whose operator-admin certificate asks the cells for their status (default data/pki)
          --ca FILE            CA that https:// login and tls:// chat servers must chain to (default: ca.crt in --pki)
          --allow-slow-registration
                               register users even when a cell hashes passwords with more than 10 000 PBKDF2
                               iterations (the default is 600 000: a few users per second); otherwise refused
          --gate               exit 3 when a target is missed (see "targets"); without it latency never fails a run
          --json-only          print only the JSON result line, without the summary table
          -h, --help           this help
        output: one JSON line on stdout (also appended to data/bench-results.jsonl), then a summary table;
                progress on stderr. Users are registered once and reused (data/bench-users-*.tsv).
        exit codes: 0 the run completed (whatever the latency); 1 messages lost, duplicated or out of order,
                    requests failed or unanswered, or the run failed; 2 usage error, or refused to start;
                    3 a target missed (only with --gate); 130 stopped (Ctrl-C, SIGTERM, --timeout).

        """;

    public static readonly string Chat = $$"""
        usage: imcells bench chat [--users N] [--mode same-cell|cross-cell] [--rate R | --closed-loop | --find-max] [--seconds D]
        N/2 sender -> receiver pairs, all connections in the bench; latency = send -> the receiver's NewMessage.
          --users N           users, two per pair, 2..19000 (default {{ChatBench.ChatOptions.DefaultUsers}})
          --mode M            same-cell: both ends in cell a (default); cross-cell: senders in a, receivers in b
          --rate R            open loop: R messages/s in all, round robin over the senders
                              (default {{ChatBench.ChatOptions.DefaultRate}} when none of --rate, --closed-loop, --find-max is given)
          --closed-loop       each sender sends its next message when its last one is acknowledged
          --find-max          open-loop steps from --start-rate, times --step-factor, until a step is not good
                              (p99 over --p99-limit-ms, loss, errors, unanswered, < 95 % delivered); reports the highest good rate
          --seconds D         length of the run (of each step with --find-max), 1..3600 (default 10)
          --start-rate R      first rate of --find-max (default 500)
          --step-factor F     rate factor between steps (default 1.5)
          --max-steps K       most steps of --find-max (default 20)
          --p99-limit-ms L    the latency a step must stay under to count as good (default 100)
          --grace S           seconds to wait for the last answers and deliveries after sending (default 5)
          --text-bytes B      message size, 40..16000 (default 64)
        targets (only with --gate): p99 <= --p99-limit-ms and >= 95 % of the offered rate delivered
                                    (--find-max: at least one good step)
        example: ./imcells bench chat --users 200 --seconds 10
                 ./imcells bench chat --users 1000 --mode cross-cell --find-max

        """ + Common;

    public const string Connections = """
        usage: imcells bench connections [--count N] [--hold SECONDS] [--cell ID] [--processes P] [--addresses A] [--concurrency K]
        N users of one cell log in and hold an idle authenticated connection each; the cell's RSS and managed
        heap (after a forced GC) before and after give the bytes per connection.
          --count N           connections, 1..1000000 (default 10000)
          --hold SECONDS      how long to hold them after measuring (default 10)
          --cell ID           the cell whose users connect (default a)
          --processes P       load processes, 19 000 connections each at most (default: as many as needed)
          --addresses A       source addresses 127.0.0.1..127.0.0.A (default: one per 5 000 connections)
          --concurrency K     logins and connects under way at once (default 64)
        targets (only with --gate): RSS per connection <= 8192 bytes
        example: ./imcells bench connections --count 2000

        """ + Common;

    public const string Login = """
        usage: imcells bench login [--count N] [--concurrency C] [--cell ID]
        N password logins through the login server, each a PBKDF2 verify in the user's home cell; the cell's
        iteration count is asked of the cell (--iterations-note N states it when the cell cannot be asked).
          --count N           logins (and pool users), default 2000
          --concurrency C     logins under way at once, 1..4096 (default 32)
          --cell ID           the cell whose users log in (default a)
          --iterations-note N the iteration count to report when the cell cannot be asked
        targets (only with --gate): 2000 logins/s
        example: ./imcells bench login --count 2000

        """ + Common;

    public const string Reconnect = """
        usage: imcells bench reconnect [--count N] [--storm-concurrency K] [--tls-name NAME] [--cell ID] [--processes P]
        N devices log in once and connect; the bench closes every socket (the cell keeps running), then all
        reconnect at once with their tokens and Sync: seconds until all are online and synced, per-device steps.
          --count N               devices, 1..1000000 (default 10000)
          --storm-concurrency K   reconnects under way at once (default: all N)
          --tls-name NAME         TLS server name to send instead of the IP (lets .NET resume the TLS session)
          --cell ID               the cell whose users connect (default a)
          --processes P, --addresses A, --concurrency K   as for bench connections
        targets (only with --gate): all synced within 5 s
        example: ./imcells bench reconnect --count 2000

        """ + Common;

    public const string Group = """
        usage: imcells bench group [--members N] [--online K] [--senders M] [--rate R | --closed-loop] [--seconds D]
        One group of N pool users homed round robin in the cells, created by a member of the first cell; K of
        them connect, M of them post. Reports send -> device latency, deliveries, lost (checked by group_sync),
        duplicates, out of order, a fan-out probe (one message, until the last online member has it), CPU.
          --members N         group members, 2..1000000 (default 1000)
          --online K          members that connect (default min(N, 1000))
          --senders M         members that post (default min(K, 10))
          --rate R            open loop: R messages/s in all (default 100)
          --closed-loop       each sender posts its next message when its last one is acknowledged
          --seconds D         sending time, 1..3600 (default 10)
          --drain S           most seconds to wait for the deliveries afterwards (default 10)
          --cells a,b         cells to home the members in (default: topology.json's cells with user ranges)
        targets: none (latency is reported only); exit 1 on loss, duplicates, out of order, unacknowledged sends
        example: ./imcells bench group --members 200 --online 200 --seconds 10

        """ + Common;

    /// <summary>The help of <paramref name="kind"/>; null for an unknown benchmark.</summary>
    public static string? For(string kind) => kind switch
    {
        "chat" => Chat,
        "connections" => Connections,
        "login" => Login,
        "reconnect" => Reconnect,
        "group" => Group,
        _ => null,
    };

    /// <summary>True when the arguments after the benchmark ask for help (anywhere, so `--users 5 --help` works too).</summary>
    public static bool AsksForHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h");
}
