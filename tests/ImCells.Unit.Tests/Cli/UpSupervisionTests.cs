using ImCells.Cli.Admin;
using ImCells.Cli.Status;
using ImCells.Cli.Up;

namespace ImCells.Unit.Tests.Cli;

/// <summary>How `up` spaces restarts, and how `status` words health and uptime.</summary>
public sealed class UpSupervisionTests
{
    [Fact]
    public void Backoff_DoublesFromHalfASecond_CapsAndResetsAfterASteadyRun()
    {
        var backoff = new RestartBackoff();
        var delays = Enumerable.Range(0, 7).Select(_ => backoff.Next("cell a", TimeSpan.FromSeconds(1)).Delay.TotalSeconds).ToList();

        Assert.Equal([0.5, 1, 2, 4, 8, 15, 15], delays);
        Assert.Equal((1, TimeSpan.FromMilliseconds(500)), backoff.Next("cell a", RestartBackoff.Steady));
        Assert.Equal(1, backoff.Next("cell b", TimeSpan.Zero).Attempt);
    }

    [Fact]
    public void Profile_Bench_LowersThePasswordCostOfCellsOnly()
    {
        Assert.Empty(UpProfile.Named(null).CellArguments);
        Assert.Equal(["--Hlr:PasswordIterations=1000"], UpProfile.Named("bench").CellArguments);
        Assert.Contains("PBKDF2 1000 iterations (default 600000)", UpProfile.Bench.Notice);
        Assert.Throws<ImCells.Cli.UsageException>(() => UpProfile.Named("fast"));
    }

    [Theory]
    [InlineData((int)Answer.Ready, "ready", true)]
    [InlineData((int)Answer.Degraded, "degraded", true)]
    [InlineData((int)Answer.Listening, "listening", true)]
    [InlineData((int)Answer.NotReady, "not-ready", false)]
    [InlineData((int)Answer.Down, "down", false)]
    public void Health_WordsAndExitCode(int answerValue, string word, bool healthy)
    {
        var answer = (Answer)answerValue;
        Assert.Equal(word, StatusTable.Health(answer));
        Assert.Equal(healthy, Answering.Healthy(answer));
    }

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(125, "2m05s")]
    [InlineData(3 * 3600 + 60, "3h01m")]
    [InlineData(2 * 86400 + 3600, "2d01h")]
    public void Uptime_IsShort(int seconds, string expected) => Assert.Equal(expected, StatusTable.Uptime(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void ListeningPorts_FindsOnlyListenersOfThePort()
    {
        string[] table =
        [
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:DF52 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0",
            "   1: 0100007F:DF53 0100007F:DF53 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1",
        ];

        Assert.True(ListeningPorts.Listens(table, 0xDF52));
        Assert.False(ListeningPorts.Listens(table, 0xDF53));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void State_IsWrittenOwnerOnly_AndReadBack()
    {
        var dir = Directory.CreateTempSubdirectory("imcells-state-").FullName;
        try
        {
            var path = Path.Combine(dir, UpState.DefaultFile);
            var process = new UpProcess("cell a", "cell", "a", 42, DateTimeOffset.UnixEpoch, 2,
                new Dictionary<string, string> { ["grpc"] = "https://127.0.0.1:7201", ["chat"] = "tls://127.0.0.1:7301" }, "http://127.0.0.1:20001");
            new UpState(Environment.ProcessId, DateTimeOffset.UnixEpoch, "/t/topology.json", "bench", [process]).Write(path);

            Assert.Equal("600", ImCells.Trust.PrivateFiles.Octal(File.GetUnixFileMode(path)));
            var read = UpState.TryRead(path);
            Assert.NotNull(read);
            Assert.True(read.UpRuns());
            Assert.Equal(("bench", "cell a", 2, "http://127.0.0.1:20001"), (read.Profile, read.Processes[0].Name, read.Processes[0].Restarts, read.Processes[0].Admin));
            Assert.Equal("tls://127.0.0.1:7301", read.Processes[0].Endpoints["chat"]);
            Assert.Null(UpState.TryRead(Path.Combine(dir, "none.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
