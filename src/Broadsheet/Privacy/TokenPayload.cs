namespace Broadsheet.Privacy;

/// <summary>What a valid signed token says; <see cref="ExpiresAt"/> is null for a token that never expires.</summary>
public sealed record TokenPayload(string Purpose, long SubjectId, DateTimeOffset? ExpiresAt, Guid Nonce);
