using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ImCells.Cell.Chat;

/// <summary>
/// Lets OpenSSL free a TLS connection's record buffers between records (SSL_MODE_RELEASE_BUFFERS).
/// Without it every connection keeps a read and a write buffer of about 17 KB each for its whole
/// life: most of what an idle TLS connection costs. .NET sets no such mode and has no API for it,
/// so the SSL handle is taken from SslStream's private state; where that fails (another runtime
/// layout, not OpenSSL 3) nothing changes and <see cref="TryApply"/> says so.
/// </summary>
internal static class TlsIdleBuffers
{
    private const int SslCtrlMode = 33; // SSL_CTRL_MODE: SSL_set_mode is SSL_ctrl(ssl, SSL_CTRL_MODE, mode, NULL)
    private const nint SslModeReleaseBuffers = 0x10;

    private static readonly Func<SslStream, SafeHandle?>? SslHandleOf = Resolve();

    /// <summary>Whether this process can set the mode at all (Linux, OpenSSL 3, the SslStream layout known).</summary>
    public static bool Supported => SslHandleOf is not null;

    /// <summary>Sets SSL_MODE_RELEASE_BUFFERS on the stream's SSL object; false when it could not.</summary>
    public static bool TryApply(SslStream stream)
    {
        if (SslHandleOf?.Invoke(stream) is not { IsInvalid: false, IsClosed: false } handle)
        {
            return false;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var mode = SSL_ctrl(handle.DangerousGetHandle(), SslCtrlMode, SslModeReleaseBuffers, 0);
            return (mode & SslModeReleaseBuffers) != 0;
        }
        catch (Exception e) when (e is ObjectDisposedException or DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// SslStream._securityContext is the SSL object's safe handle (a SafeSslHandle), or holds one in a
    /// field (the layout differs between runtime versions); anything else: not supported.
    /// </summary>
    private static Func<SslStream, SafeHandle?>? Resolve()
    {
        // Only the libssl.so.3 this import names may be handed an SSL* that .NET's own shim made.
        if (!OperatingSystem.IsLinux() || SafeEvpPKeyHandle.OpenSslVersion >> 28 != 3)
        {
            return null;
        }

        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        var context = typeof(SslStream).GetField("_securityContext", Instance);
        if (context is null || !typeof(SafeHandle).IsAssignableFrom(context.FieldType))
        {
            return null;
        }

        // On .NET 10 the context is the SSL handle itself (a SafeSslHandle, whose handle is the SSL*).
        return stream => context.GetValue(stream) switch
        {
            SafeHandle handle when handle.GetType().Name == "SafeSslHandle" => handle,
            { } outer => outer.GetType().GetFields(Instance).FirstOrDefault(f => f.FieldType.Name == "SafeSslHandle")?.GetValue(outer) as SafeHandle,
            _ => null,
        };
    }

#pragma warning disable SYSLIB1054 // a plain blittable import; LibraryImport would need unsafe code
    [DllImport("libssl.so.3")]
    private static extern nint SSL_ctrl(nint ssl, int cmd, nint larg, nint parg);
#pragma warning restore SYSLIB1054
}
