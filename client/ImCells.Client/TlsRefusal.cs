using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ImCells.Trust;

namespace ImCells.Client;

/// <summary>
/// Why a server's certificate was refused, in words for the error message: the TLS exception itself
/// only says that a callback rejected the certificate.
/// </summary>
internal sealed class TlsRefusal
{
    private readonly ClusterTrust? _trust;
    private readonly string _expected;
    private string? _reason;

    private TlsRefusal(ClusterTrust? trust, string expected)
    {
        _trust = trust;
        _expected = expected;
    }

    /// <summary>The reason of the latest refusal, or null when none was refused.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    /// <summary>
    /// Makes the certificate check of <paramref name="options"/> record why it refused. Without a
    /// <paramref name="trust"/> the check is the system's (trust store and host name).
    /// </summary>
    /// <param name="expected">Who should have answered, e.g. "a login server", "a chat server of cell a".</param>
    public static TlsRefusal Watch(SslClientAuthenticationOptions options, ClusterTrust? trust, string expected)
    {
        var refusal = new TlsRefusal(trust, expected);
        var check = options.RemoteCertificateValidationCallback;
        options.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            if (check is null ? errors == SslPolicyErrors.None : check(sender, certificate, chain, errors))
            {
                return true;
            }

            Volatile.Write(ref refusal._reason, refusal.Describe(certificate, errors));
            return false;
        };
        return refusal;
    }

    // Runs only on the refusal path, so checking the chain a second time costs nothing that matters.
    private string Describe(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return "the server presented no certificate";
        }

        if (_trust is null)
        {
            return $"the server's certificate is not trusted by this machine ({errors}); give the cluster CA if it issued it";
        }

        return _trust.TryValidate(certificate, out var identity, out var problem)
            ? $"the server's certificate names {identity}, not {_expected}"
            : $"the server's certificate is refused: {problem}";
    }
}
