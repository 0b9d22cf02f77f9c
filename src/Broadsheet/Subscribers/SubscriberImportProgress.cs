namespace Broadsheet.Subscribers;

/// <summary>How far an import has got: rows handled and committed so far, and the bytes of the file read to reach them.</summary>
public readonly record struct SubscriberImportProgress(long Rows, long Bytes, long TotalBytes);
