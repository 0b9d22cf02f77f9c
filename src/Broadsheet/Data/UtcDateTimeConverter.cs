using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broadsheet.Data;

/// <summary>Keeps <see cref="DateTime"/> values in UTC on a provider that forgets the kind.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
