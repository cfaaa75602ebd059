using ImCells.Cell;

namespace ImCells.Unit.Tests.Options;

public sealed class CellSettingsTests
{
    private static IReadOnlyList<string> ChatFailures(params (string, string)[] settings) =>
        Settings.Failures<ChatOptions>(s => s.AddCellSettings(), settings);

    [Fact]
    public void ChatDefaults_AreValid()
    {
        var options = Settings.Value<ChatOptions>(s => s.AddCellSettings());

        Assert.Equal(64 * 1024, options.MaxFrameBytes);
        Assert.Equal(30, options.HeartbeatSeconds);
        Assert.Equal(200, options.MaxRequestsPerSecond);
    }

    [Fact]
    public void ChatSettings_AreBoundFromTheChatSection()
    {
        var options = Settings.Value<ChatOptions>(s => s.AddCellSettings(), ("Chat:HeartbeatSeconds", "2"), ("Chat:MaxSyncBatch", "7"));

        Assert.Equal(2, options.HeartbeatSeconds);
        Assert.Equal(7, options.MaxSyncBatch);
    }

    [Theory]
    [InlineData("Chat:MaxFrameBytes", "100", "Chat:MaxFrameBytes = 100: must be at least 1024")]
    [InlineData("Chat:HeartbeatSeconds", "0", "Chat:HeartbeatSeconds = 0: must be 1..3600")]
    [InlineData("Chat:AuthTimeoutSeconds", "0", "Chat:AuthTimeoutSeconds = 0: must be at least 1")]
    [InlineData("Chat:MaxPendingFrames", "15", "Chat:MaxPendingFrames = 15: must be at least 16")]
    [InlineData("Chat:MaxRequestsPerSecond", "-1", "Chat:MaxRequestsPerSecond = -1: must be 0 (off) or more")]
    [InlineData("Chat:MaxSyncBatch", "0", "Chat:MaxSyncBatch = 0: must be at least 1")]
    [InlineData("Chat:MaxTextBytes", "70000", "Chat:MaxTextBytes = 70000: must be 1..Chat:MaxFrameBytes (65536) and at most 262144, so one message fits in a response")]
    [InlineData("Chat:MaxPendingBytes", "2097151", "Chat:MaxPendingBytes = 2097151: must be at least 2097152 (two of the largest frames a server sends)")]
    public void ChatSetting_OutOfRange_FailsNamingTheSetting(string key, string value, string failure) =>
        Assert.Contains(failure, ChatFailures((key, value)));

    [Fact]
    public void MaxTextBytes_AboveTheCeiling_FailsEvenWithLargeFrames() =>
        Assert.Contains("Chat:MaxTextBytes = 262145: must be 1..Chat:MaxFrameBytes (1048576) and at most 262144, so one message fits in a response",
            ChatFailures(("Chat:MaxFrameBytes", "1048576"), ("Chat:MaxTextBytes", "262145")));

    [Fact]
    public void MaxPendingBytes_DefaultsToFourMiB_AndIsBound()
    {
        Assert.Equal(4 * 1024 * 1024, Settings.Value<ChatOptions>(s => s.AddCellSettings()).MaxPendingBytes);
        Assert.Equal(8 * 1024 * 1024, Settings.Value<ChatOptions>(s => s.AddCellSettings(), ("Chat:MaxPendingBytes", "8388608")).MaxPendingBytes);
    }

    [Fact]
    public void CellId_Missing_FailsNamingTheSetting() =>
        Assert.Equal(["Cell:Id is required: which cell of the topology to serve (--cell ID)"],
            Settings.Failures<CellOptions>(s => s.AddCellSettings()));

    [Fact]
    public void ChatServerNumber_GivesTheServingId()
    {
        var options = Settings.Value<CellOptions>(s => s.AddCellSettings(), ("Cell:Id", "a"), ("Cell:ChatServer", "2"));

        Assert.Equal("a", options.Identity.Id);
        Assert.Equal("a#2", options.Identity.ServingId);
    }
}
