namespace Broadsheet.Subscribers;

/// <summary>What an import did. Every data row of the file lands in exactly one of the five counts.</summary>
public sealed record SubscriberImportResult(
    long Imported,
    long AlreadySubscribed,
    long DuplicatesInFile,
    long Suppressed,
    long Rejected,
    string ReportPath)
{
    public long Rows => Imported + AlreadySubscribed + DuplicatesInFile + Suppressed + Rejected;
}
