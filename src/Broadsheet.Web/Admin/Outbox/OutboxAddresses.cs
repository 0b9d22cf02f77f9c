using MimeKit;

namespace Broadsheet.Web.Admin.Outbox;

/// <summary>
/// Addresses as a person reads them, for the outbox viewer: <c>Name &lt;address&gt;</c>, decoded and without the
/// quotes MimeKit's <see cref="InternetAddressList.ToString()"/> puts around any name that is not plain ASCII words
/// (every Arabic name).
/// </summary>
internal static class OutboxAddresses
{
    public static string Display(InternetAddressList list) => string.Join(", ", list.Select(Display));

    private static string Display(InternetAddress address) => address switch
    {
        MailboxAddress { Name.Length: > 0 } mailbox => $"{mailbox.Name} <{mailbox.Address}>",
        MailboxAddress mailbox => mailbox.Address,
        GroupAddress group => $"{group.Name}: {Display(group.Members)};",
        _ => address.ToString(),
    };
}
