using System.Security.Cryptography;
using ImCells.Server.Hosting;
using ImCells.Trust;

namespace ImCells.Server.Security;

/// <summary>Loads this process's own certificate, key and cluster CA at start; anything wrong is one line and exit code 1.</summary>
public static class TlsCredentials
{
    public static ClusterCredentials Load(TlsOptions options, ClusterIdentity self)
    {
        var (certificate, key, ca) = options.PathsFor(self);
        ClusterCredentials credentials;
        try
        {
            credentials = ClusterCredentials.Load(certificate, key, ca);
        }
        catch (FileNotFoundException e)
        {
            throw new StartupException(
                $"TLS file {e.FileName} does not exist: `imcells up` creates the cluster's certificates in data/pki; otherwise set Tls:Directory, or Tls:Certificate, Tls:Key and Tls:Ca", inner: e);
        }
        catch (PrivateFileException e)
        {
            throw new StartupException(e.Message, inner: e);
        }
        catch (InvalidDataException e)
        {
            throw new StartupException(e.Message, inner: e);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"cannot read certificate {certificate} with key {key} (CA {ca}): {OneLine(e.Message)}", inner: e);
        }

        return credentials.Identity == self
            ? credentials
            : throw new StartupException($"certificate {certificate} names {credentials.Identity}, but this process is {self}");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
