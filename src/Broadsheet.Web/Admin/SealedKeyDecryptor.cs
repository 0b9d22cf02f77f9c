using System.Xml.Linq;
using Broadsheet.Privacy;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Broadsheet.Web.Admin;

/// <summary>
/// Opens what <see cref="SealedKeyEncryptor"/> sealed. The framework stores this type's name beside every sealed key
/// and makes an instance from it when the key ring is read, so the name must not change (or old keys become
/// unreadable, which signs everyone out once and nothing worse).
/// </summary>
public sealed class SealedKeyDecryptor : IXmlDecryptor
{
    private readonly KeyRingSealer _sealer;

    /// <summary>The constructor the framework's activator looks for.</summary>
    public SealedKeyDecryptor(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _sealer = services.GetRequiredService<KeyRingSealer>();
    }

    /// <exception cref="System.Security.Cryptography.CryptographicException">Sealed under another privacy master key, or altered.</exception>
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        if (encryptedElement.Name != SealedKeyEncryptor.SealedElement || (string?)encryptedElement.Attribute("version") != "1")
        {
            throw new System.Security.Cryptography.CryptographicException("The data-protection key is not sealed in a known format.");
        }

        return XElement.Parse(_sealer.Open(encryptedElement.Value));
    }
}
