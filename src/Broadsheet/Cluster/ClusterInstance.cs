using System.Security.Cryptography;

namespace Broadsheet.Cluster;

/// <summary>
/// This process among the instances sharing one PostgreSQL database. Random per start rather than the machine's name:
/// two processes on one machine (or two hosts in one test) must still tell their own messages from the others'.
/// </summary>
public sealed class ClusterInstance
{
    /// <summary>Sixteen hex digits; says nothing about the machine or the people using it.</summary>
    public string Id { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
