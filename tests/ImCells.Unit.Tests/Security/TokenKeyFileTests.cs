using ImCells.Server.Hosting;
using ImCells.Server.Security;
using ImCells.Trust;
using ImCells.Unit.Tests.Options;
using Microsoft.Extensions.DependencyInjection;

namespace ImCells.Unit.Tests.Security;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TokenKeyFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "imcells-key-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void NewKey_IsOwnerOnly_InAnOwnerOnlyFolder()
    {
        var path = Path.Combine(_dir, "data", "token.key");

        var key = TokenKeyFile.LoadOrCreate(path);

        Assert.Equal(TokenKeyFile.KeyBytes, key.Length);
        Assert.Equal("600", PrivateFiles.Octal(File.GetUnixFileMode(path)));
        Assert.Equal("700", PrivateFiles.Octal(File.GetUnixFileMode(Path.GetDirectoryName(path)!)));
        Assert.Equal(key, TokenKeyFile.LoadOrCreate(path));
    }

    [Fact]
    public void KeyReadableByOthers_IsRefusedNamingTheFix()
    {
        var path = WriteKey(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var e = Assert.Throws<PrivateFileException>(() => TokenKeyFile.LoadOrCreate(path));

        Assert.Equal($"key file {path} is readable by others (mode 644); run: chmod 600 {path}", e.Message);
    }

    [Fact]
    public void KeyWritableByGroup_IsRefused()
    {
        var path = WriteKey(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);

        Assert.Throws<PrivateFileException>(() => TokenKeyFile.LoadOrCreate(path));
    }

    [Fact]
    public void ShortKey_IsRefused()
    {
        var path = WriteKey(UnixFileMode.UserRead | UnixFileMode.UserWrite, bytes: 31);

        var e = Assert.Throws<InvalidDataException>(() => TokenKeyFile.LoadOrCreate(path));

        Assert.Equal($"token key file {path} holds 31 bytes, need 32", e.Message);
    }

    [Fact]
    public async Task StartupStep_KeyReadableByOthers_StopsTheServerWithOneLine()
    {
        var path = WriteKey(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var provider = Settings.Provider(s => s.AddImCellsTokens(), ("Token:KeyFile", path));

        var e = await Assert.ThrowsAsync<StartupException>(() => provider.GetRequiredService<StartupInitializer>().RunAsync(CancellationToken.None));

        Assert.Equal(1, e.ExitCode);
        Assert.Equal($"key file {path} is readable by others (mode 644); run: chmod 600 {path}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task StartupStep_CreatesTheKey_AndTheServiceSignsWithIt()
    {
        var path = Path.Combine(_dir, "data", "token.key");
        using var provider = Settings.Provider(s => s.AddImCellsTokens(), ("Token:KeyFile", path), ("Token:MaxAgeHours", "2"));

        await provider.GetRequiredService<StartupInitializer>().RunAsync(CancellationToken.None);

        Assert.Equal("600", PrivateFiles.Octal(File.GetUnixFileMode(path)));
        var tokens = provider.GetRequiredService<TokenService>();
        Assert.Equal(TimeSpan.FromHours(2), tokens.MaxAge);
        var token = tokens.Issue(new TokenClaims(10_000_001, "d", "a", "a", DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(TokenCheck.Valid, new TokenService(File.ReadAllBytes(path)).Verify(token, out _));
    }

    private string WriteKey(UnixFileMode mode, int bytes = TokenKeyFile.KeyBytes)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "token.key");
        File.WriteAllBytes(path, new byte[bytes]);
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
