using System.Xml;
using System.Xml.Linq;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Web.Admin;

/// <summary>
/// Keeps the admin's data-protection keys (sign-in cookies, form tokens) in the database, the same way on SQLite and
/// PostgreSQL, so every instance reads one key ring: a sign-in or a form made on one instance is accepted by another.
/// The framework calls it synchronously, rarely (at start, when it makes a key, and once a day to refresh its ring).
/// </summary>
internal sealed partial class DatabaseKeyRepository(IServiceScopeFactory scopes, TimeProvider time, ILogger<DatabaseKeyRepository> logger) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var rows = scope.ServiceProvider.GetRequiredService<BroadsheetDb>().DataProtectionKeys.AsNoTracking()
            .OrderBy(k => k.Id).Select(k => new { k.Id, k.Xml }).ToList();
        var elements = new List<XElement>(rows.Count);
        foreach (var row in rows)
        {
            try
            {
                elements.Add(XElement.Parse(row.Xml));
            }
            catch (XmlException)
            {
                // One damaged row must not take every other key (and every sign-in) with it.
                UnreadableKey(logger, row.Id);
            }
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        db.DataProtectionKeys.Add(new DataProtectionKeyRecord
        {
            FriendlyName = friendlyName is { Length: > 100 } ? friendlyName[..100] : friendlyName,
            Xml = element.ToString(SaveOptions.DisableFormatting),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        });
        db.SaveChanges();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data-protection key row {RowId} is not well-formed XML and was skipped")]
    private static partial void UnreadableKey(ILogger logger, int rowId);
}
