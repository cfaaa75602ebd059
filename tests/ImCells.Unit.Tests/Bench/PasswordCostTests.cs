using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>Registering users at the default password cost is refused (exit 2) with what to do instead, unless allowed.</summary>
public sealed class PasswordCostTests
{
    [Fact]
    public void DefaultCost_WithUsersToRegister_IsRefusedWithWhatToDo()
    {
        var refused = Assert.Throws<BenchException>(() => PasswordCost.Check("a", 600_000, 2000, allowSlow: false));

        Assert.Equal(2, refused.ExitCode);
        Assert.False(refused.IsUsage);
        Assert.Contains("register 2000 users in cell a", refused.Message, StringComparison.Ordinal);
        Assert.Contains("600000 PBKDF2 iterations", refused.Message, StringComparison.Ordinal);
        Assert.Contains("./imcells up --profile bench", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-slow-registration", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(600_000, 0, false)]
    [InlineData(600_000, 2000, true)]
    [InlineData(10_000, 2000, false)]
    [InlineData(1_000, 2000, false)]
    [InlineData(null, 2000, false)]
    public void Check_LetsTheRunGoOn(int? iterations, int toRegister, bool allowSlow) =>
        PasswordCost.Check("a", iterations, toRegister, allowSlow);

    [Theory]
    [InlineData(null, 64, 64)]
    [InlineData(1_000, 64, 64)]
    [InlineData(10_000, 64, 64)]
    [InlineData(100_000, 64, 6)]
    [InlineData(600_000, 64, 2)]
    [InlineData(600_000, 1, 1)]
    public void Concurrency_ShrinksWithTheCost(int? iterations, int requested, int expected) =>
        Assert.Equal(expected, PasswordCost.Concurrency(iterations, requested));
}
