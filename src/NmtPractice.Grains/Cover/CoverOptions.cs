using System.Security.Cryptography;
using System.Text;

namespace NmtPractice.Grains.Cover;

/// <summary>Settings of cover planning (configuration section <c>Nmt:Cover</c>).</summary>
public sealed class CoverOptions
{
    public const string Section = "Nmt:Cover";

    /// <summary>The longest travel time, in minutes, from an appointment's clinic to a clinic that may take it over.</summary>
    public int ReachMinutes { get; set; } = (int)CoverContext.DefaultReach.TotalMinutes;
}
