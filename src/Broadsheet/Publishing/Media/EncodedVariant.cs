namespace Broadsheet.Publishing.Media;

/// <summary>One re-encoded size of an upload: its pixel size and its file's bytes.</summary>
internal sealed record EncodedVariant(int Width, int Height, byte[] Bytes);
