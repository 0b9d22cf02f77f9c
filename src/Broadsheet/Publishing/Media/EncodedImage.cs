namespace Broadsheet.Publishing.Media;

/// <summary>An upload turned into its variants: the upright original's size and the format all variants share.</summary>
internal sealed record EncodedImage(int Width, int Height, string Extension, IReadOnlyList<EncodedVariant> Variants);
