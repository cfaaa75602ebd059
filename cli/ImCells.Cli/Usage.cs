namespace ImCells.Cli;

/// <summary>The help text shown on --help and after a usage error.</summary>
internal static class Usage
{
    private const string Text = """
        usage: imcells <command> [options]

          up       [--topology PATH]                          start master, login and cells; Ctrl-C stops them
          status   [--login URL] [--ca FILE] [--pki DIR]      topology version, every cell up or down, and its
                                                              load, asked of each cell as the operator (the
                                                              operator-admin certificate in DIR, default data/pki)
          where    N --user U --password PW [--login URL] [--ca FILE]
                                                              the home cell and where each device of N is
                                                              attached, as U may see it (a user who blocked U,
                                                              or accepts friends only, "does not exist")
          topology add-cell --id ID --range FIRST-LAST [--group-range FIRST-LAST] [--region R]
                   [--grpc URL --chat ENTRY] [--sqlite FILE] [--topology PATH]
                                                              adds a cell to topology.json (with group numbers when
                                                              --group-range is given; on the next free loopback
                                                              ports unless --grpc and --chat name another host);
                                                              a running `up` starts it
          pki      --data DIR [--topology PATH]               the CA, a certificate per process and the token key
                                                              in DIR (pki/, token.key) for servers that run
                                                              elsewhere (containers); keeps what exists
          bench    connections|chat|login|group ...           load generator against a running cluster (docs/PERFORMANCE.md)
          register --name NAME --password PW [--cell ID] [--request-id ID]
                                                              prints the new user number; a lost reply is
                                                              asked again with the same request id (default a
                                                              fresh one), which returns the same number
          send     --user N --password PW --to M --text T [--at TIME]
                                                              prints "<message_id> <seq>"; with --at (ISO-8601,
                                                              UTC unless it has an offset) schedules it instead
                                                              and prints "scheduled <schedule_id> at <time>"
          recv     --user N --password PW [--from-seq S] [--wait SECONDS] [--json]
                                                              prints the mailbox after seq S (default 0)
          chat     --user N --password PW                     interactive: "@M text" sends to M, "#G text" to
                                                              group G; incoming messages, group entries,
                                                              friends' presence and friend requests printed;
                                                              /away, /back, /friends
          history  --user N --password PW --with M [--before SEQ] [--limit N] [--json]
                                                              the conversation with M, newest first
                                                              (seq below SEQ; default the newest 50)
          conversations --user N --password PW [--limit N] [--json]
                                                              one line per conversation, most recent first:
                                                              "<peer>  unread <n>  <last message>", then
                                                              your groups as `group list` prints them and
                                                              "total unread <n>" (groups included)
          read     --user N --password PW --with M --seq S    marks the conversation with M read up to seq S
          scheduled list --user N --password PW               the messages waiting for their time
          scheduled cancel --user N --password PW --id ID     drops one before it is sent
          friends add --user N --password PW --to M [--message TEXT]
                                                              asks M to be your friend
          friends accept|decline --user N --password PW --from M
                                                              answers M's request
          friends remove --user N --password PW --friend M    ends the friendship on both sides
          friends list --user N --password PW [--json]        one line per friend: "<user>  <nickname>
                                                              <online|away|offline>  last seen <time>", then
                                                              incoming:, outgoing: and blocked: lines
          block|unblock --user N --password PW --who M        a blocked user can neither message nor befriend you
          profile get --user N --password PW [--of M] [--json]
                                                              a profile (default your own)
          profile set --user N --password PW [--nickname X] [--avatar URL] [--status TEXT]
                      [--detail key=value ...]                changes only the given fields; "key=" removes key
          presence --user N --password PW online|away         what your friends see while you are connected
          privacy  --user N --password PW --only-friends on|off
                                                              whether only friends may message you
          group    create --user N --password PW --name NAME [--members M,M,...]
                   [--open] [--history-visible]               prints the number of a new group you own;
                                                              --open: anyone may join; --history-visible:
                                                              new members see what was said before
          group    add --user N --password PW --group G --members M,M,...
                                                              adds members (1000 per request)
          group    remove --user N --password PW --group G --member M
          group    leave|join|dissolve --user N --password PW --group G
                                                              join: an open group; dissolve: the owner
                                                              ends the group
          group    role --user N --password PW --group G --member M --role member|admin|owner
                                                              "owner" hands the group over
          group    rename --user N --password PW --group G --name NAME
          group    members --user N --password PW --group G [--json]
                                                              "<user>  <role>  joined #<seq>" per member
          group    list --user N --password PW [--json]       your groups, those you left too:
                                                              "group <G> "<name>"  <role>  unread <n>
                                                              mentions <m>  #<seq> <last entry>", then
                                                              "total unread <n>"
          group    send --user N --password PW --group G --text T
                                                              prints "<message_id> <seq>"; "@<number>"
                                                              in T mentions that member
          group    read --user N --password PW --group G [--seq S]
                                                              marks the group read up to S (default: its
                                                              newest entry); prints unread and mentions left
          group    history --user N --password PW --group G [--before SEQ] [--limit N] [--json]
                                                              the group's messages and events, newest
                                                              first: "[group G #<seq>] <from>: <text>",
                                                              "[group G #<seq>] <from> added <M>"
          logout   --user N --password PW --device ID | --all
                                                              ends the sessions of device ID (or of every
                                                              device): its tokens stop working, its
                                                              connections close; logging in again works

        user commands also take --login URL (default: every login server of ./topology.json or
        $IMCELLS_ROOT/topology.json) and --device ID (default "cli"; "chat" for chat, so that the
        other commands of the same user do not sign a running chat out), and --cell ID or
        --region R to attach to another cell than the home cell (roaming).
        every command that talks to login (user commands, register, status, where) takes --ca FILE:
        the cluster CA that https:// login servers and tls:// chat servers must chain to (default:
        data/pki/ca.crt under the repository root when it exists; without one, TLS servers are
        checked against the system's trust store).
        exit codes: 0 ok, 1 server or transport error, 2 bad arguments.
        """;

    public static int Print(TextWriter writer, int exitCode)
    {
        writer.WriteLine(Text);
        return exitCode;
    }
}
