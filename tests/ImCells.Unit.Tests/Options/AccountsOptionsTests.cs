using ImCells.Cell;
using ImCells.Cell.Accounts;
using ImCells.Registry.Hlr;

namespace ImCells.Unit.Tests.Options;

public sealed class AccountsOptionsTests
{
    private static IReadOnlyList<string> Failures(params (string, string)[] settings) =>
        Settings.Failures<AccountsOptions>(s => s.AddCellSettings(), settings);

    [Fact]
    public void Defaults_AreValid_AndMakeTheDefaultPolicy()
    {
        var options = Settings.Value<AccountsOptions>(s => s.AddCellSettings());

        Assert.Equal(LoginFailurePolicy.Default, options.Policy);
        Assert.Equal(24, options.RequestIdHours);
    }

    [Fact]
    public void Settings_AreBoundFromTheAccountsSection()
    {
        var options = Settings.Value<AccountsOptions>(s => s.AddCellSettings(),
            ("Accounts:FailuresBeforeLock", "3"), ("Accounts:LockSeconds", "2"), ("Accounts:MaxLockSeconds", "8"), ("Accounts:FailureMemoryHours", "1"),
            ("Accounts:RequestIdHours", "2"));

        Assert.Equal(new LoginFailurePolicy(3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8), TimeSpan.FromHours(1)), options.Policy);
        Assert.Equal(2, options.RequestIdHours);
    }

    [Theory]
    [InlineData("Accounts:FailuresBeforeLock", "0", "Accounts:FailuresBeforeLock = 0: must be 1..100")]
    [InlineData("Accounts:LockSeconds", "0", "Accounts:LockSeconds = 0: must be 1..86400")]
    [InlineData("Accounts:MaxLockSeconds", "59", "Accounts:MaxLockSeconds = 59: must be Accounts:LockSeconds (60)..86400")]
    [InlineData("Accounts:FailureMemoryHours", "0", "Accounts:FailureMemoryHours = 0: must be 1..720 and at least Accounts:MaxLockSeconds (900 s)")]
    [InlineData("Accounts:RequestIdHours", "721", "Accounts:RequestIdHours = 721: must be 1..720")]
    public void OutOfRange_FailsNamingTheSetting(string key, string value, string failure) =>
        Assert.Equal([failure], Failures((key, value)));

    [Fact]
    public void MemoryShorterThanTheLongestLock_Fails() =>
        Assert.Equal(["Accounts:FailureMemoryHours = 1: must be 1..720 and at least Accounts:MaxLockSeconds (7200 s)"],
            Failures(("Accounts:FailureMemoryHours", "1"), ("Accounts:MaxLockSeconds", "7200")));
}
