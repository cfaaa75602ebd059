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
    [InlineData("Chat:MaxTextBytes", "70000", "Chat:MaxTextBytes = 70000: must be 1..Chat:MaxFrameBytes (65536)")]
    public void ChatSetting_OutOfRange_FailsNamingTheSetting(string key, string value, string failure) =>
        Assert.Contains(failure, ChatFailures((key, value)));

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
