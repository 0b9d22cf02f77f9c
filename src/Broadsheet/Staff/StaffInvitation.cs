namespace Broadsheet.Staff;

/// <summary>An invitation to join the admin with a role. Its link carries the id and <see cref="Nonce"/>, signed.</summary>
public sealed class StaffInvitation
{
    public int Id { get; set; }

    /// <summary>Lower-cased.</summary>
    public string Email { get; set; } = "";

    public StaffRole Role { get; set; }
    public string Language { get; set; } = Broadsheet.Language.English;
    public int? InvitedById { get; set; }
    public Guid Nonce { get; set; } = Guid.NewGuid();
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
}
