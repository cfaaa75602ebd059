namespace ImCells.Trust;

/// <summary>
/// Files only this user may read: secret keys are written 0600 in directories 0700, and a key
/// that others can read is refused rather than used (anyone who read it could act as us).
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Shared = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> (and missing parents) as 0700; an existing directory is left as it is.</summary>
    public static void CreateDirectory(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
            return;
        }

        Directory.CreateDirectory(full, OwnerOnlyDirectory);
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/> as 0600 unless it exists; creation is a
    /// rename, so processes racing to create the same file all end with one content. True when this call wrote it.
    /// </summary>
    public static bool CreateOnce(string path, ReadOnlySpan<byte> bytes)
    {
        if (File.Exists(path))
        {
            return false;
        }

        CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var stream = OperatingSystem.IsWindows()
                   ? new FileStream(temp, FileMode.CreateNew, FileAccess.Write)
                   : new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile }))
        {
            stream.Write(bytes);
        }

        try
        {
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException)
        {
            // Another process won the race; its file is the one everybody uses.
            File.Delete(temp);
            return false;
        }
    }

    /// <summary>Throws <see cref="PrivateFileException"/> when group or others may read or write <paramref name="path"/>.</summary>
    public static void EnsureOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & Shared) != 0)
        {
            throw new PrivateFileException(
                $"key file {path} is readable by others (mode {Octal(mode)}); run: chmod 600 {path}");
        }
    }

    /// <summary>Creates <paramref name="path"/> as 0700, or takes group and others' access away from the existing directory.</summary>
    public static void CreateOwnerOnlyDirectory(string path)
    {
        CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) & ~Shared);
        }
    }

    /// <summary>Takes group and others' access away from an existing file (databases created before this rule).</summary>
    public static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) & ~Shared);
        }
    }

    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8);
}

/// <summary>A secret file is not private enough to use.</summary>
public sealed class PrivateFileException(string message) : Exception(message);
