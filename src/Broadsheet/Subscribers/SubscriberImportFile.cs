namespace Broadsheet.Subscribers;

/// <summary>
/// A subscriber CSV that has passed <see cref="SubscriberImporter.Inspect"/>: readable, UTF-8, with a header
/// naming an email column and at least one row. Column positions are 0-based; -1 means the column is absent.
/// <see cref="Lines"/> counts line breaks, an upper bound on the rows that sizes the import's working set up front.
/// <see cref="StatusColumn"/> is there when the file is an export (ours or another tool's): only active rows are imported.
/// </summary>
public sealed record SubscriberImportFile(string Path, long Length, long Lines, int ColumnCount, int EmailColumn, int NameColumn, int LanguageColumn, int StatusColumn)
{
    /// <summary>Where the rejected rows are listed: beside the input, <c>FILE.rejected.csv</c> for <c>FILE.csv</c>.</summary>
    public string ReportPath => System.IO.Path.ChangeExtension(Path, ".rejected.csv");
}
