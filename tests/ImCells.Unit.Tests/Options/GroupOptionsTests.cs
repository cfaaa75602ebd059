using ImCells.Cell;

namespace ImCells.Unit.Tests.Options;

public sealed class GroupOptionsTests
{
    private static IReadOnlyList<string> Failures(params (string, string)[] settings) =>
        Settings.Failures<GroupOptions>(s => s.AddCellSettings(), settings);

    [Fact]
    public void Defaults_AreTheIssuesLimits_AndBindFromTheGroupsSection()
    {
        var defaults = Settings.Value<GroupOptions>(s => s.AddCellSettings());
        Assert.Equal((10_000, 1_000, 500, 1_000, 64), (defaults.MaxMembers, defaults.MaxGroupsPerUser, defaults.PushThreshold, defaults.MaxMembersPerChange, defaults.MaxNameLength));

        var set = Settings.Value<GroupOptions>(s => s.AddCellSettings(), ("Groups:MaxMembers", "50"), ("Groups:PushThreshold", "0"));
        Assert.Equal((50, 0), (set.MaxMembers, set.PushThreshold));
    }

    [Theory]
    [InlineData("Groups:MaxMembers", "1", "Groups:MaxMembers = 1: must be 2..1000000")]
    [InlineData("Groups:MaxGroupsPerUser", "0", "Groups:MaxGroupsPerUser = 0: must be at least 1")]
    [InlineData("Groups:PushThreshold", "-1", "Groups:PushThreshold = -1: must be 0 or more")]
    [InlineData("Groups:MaxMembersPerChange", "2001", "Groups:MaxMembersPerChange = 2001: must be 1..2000")]
    [InlineData("Groups:MaxNameLength", "0", "Groups:MaxNameLength = 0: must be 1..1000")]
    public void OutOfRange_FailsNamingTheSetting(string key, string value, string failure) =>
        Assert.Equal([failure], Failures((key, value)));
}
