using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace ImCells.Trust;

/// <summary>Reads the cluster identity out of a certificate's subject alternative names.</summary>
public static class CertificateIdentity
{
    private const string SubjectAltNameOid = "2.5.29.17";

    // GeneralName ::= CHOICE { ... uniformResourceIdentifier [6] IA5String ... }
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>The one spiffe://imcells/... URI the certificate names, or null (none, several, or malformed).</summary>
    public static ClusterIdentity? Of(X509Certificate2 certificate)
    {
        ClusterIdentity? found = null;
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }

            try
            {
                var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (names.HasData)
                {
                    var tag = names.PeekTag();
                    if (tag != UriTag)
                    {
                        names.ReadEncodedValue();
                        continue;
                    }

                    var text = names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag);
                    if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && ClusterIdentity.TryParse(uri, out var identity))
                    {
                        if (found is not null)
                        {
                            return null;
                        }

                        found = identity;
                    }
                }
            }
            catch (AsnContentException)
            {
                return null;
            }
        }

        return found;
    }
}
