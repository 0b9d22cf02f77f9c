using System.Xml.Linq;
using Broadsheet.Privacy;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Broadsheet.Web.Admin;

/// <summary>
/// Seals the secret part of each data-protection key before it is stored in the database, under a sub-key of the
/// privacy master key (<see cref="KeyRingSealer"/>), so a stolen database alone cannot forge a sign-in cookie or a form
/// token. The framework calls it for the one element it marks as needing encryption (the key material).
/// </summary>
internal sealed class SealedKeyEncryptor(KeyRingSealer sealer) : IXmlEncryptor
{
    /// <summary>The element stored in place of the key material.</summary>
    public static readonly XName SealedElement = "sealedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var sealedText = sealer.Seal(plaintextElement.ToString(SaveOptions.DisableFormatting));
        return new EncryptedXmlInfo(new XElement(SealedElement, new XAttribute("version", "1"), sealedText), typeof(SealedKeyDecryptor));
    }
}
