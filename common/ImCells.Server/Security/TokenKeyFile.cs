using System.Security.Cryptography;

namespace ImCells.Server.Security;

/// <summary>
/// The development signing key: generated once into the data folder and shared by every process
/// that reads the same file. Creation is a rename, so concurrent starters all end with one key.
/// </summary>
public static class TokenKeyFile
{
    public const int KeyBytes = 32;

    public static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Read(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, RandomNumberGenerator.GetBytes(KeyBytes));
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException)
        {
            // Another process won the race; its key is the one everybody uses.
            File.Delete(temp);
        }

        return Read(path);
    }

    private static byte[] Read(string path)
    {
        var key = File.ReadAllBytes(path);
        return key.Length >= KeyBytes
            ? key
            : throw new InvalidOperationException($"token key file {path} holds {key.Length} bytes, need {KeyBytes}");
    }
}
