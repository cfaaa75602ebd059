using System.Security.Cryptography;
using ImCells.Trust;

namespace ImCells.Server.Security;

/// <summary>
/// The signing key: generated once into the data folder (0600, the folder 0700) and shared by every
/// process that reads the same file. Whoever reads it can sign a token for any user, so a key file
/// that group or others may read is refused, not used.
/// </summary>
public static class TokenKeyFile
{
    public const int KeyBytes = 32;

    /// <exception cref="PrivateFileException">Group or others may read or write the file.</exception>
    /// <exception cref="InvalidDataException">The file holds fewer than <see cref="KeyBytes"/> bytes.</exception>
    /// <exception cref="IOException">The file cannot be created or read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be created or read.</exception>
    public static byte[] LoadOrCreate(string path)
    {
        // Creation is a rename, so concurrent starters all end with one key.
        PrivateFiles.CreateOnce(path, RandomNumberGenerator.GetBytes(KeyBytes));
        PrivateFiles.EnsureOwnerOnly(path);
        var key = File.ReadAllBytes(path);
        return key.Length >= KeyBytes
            ? key
            : throw new InvalidDataException($"token key file {path} holds {key.Length} bytes, need {KeyBytes}");
    }
}
