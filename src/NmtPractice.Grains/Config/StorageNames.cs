namespace NmtPractice.Grains.Config;

public static class StorageNames
{
    /// <summary>
    /// The grain storage provider every NmtPractice grain uses. Each persistent state also has its own state name: the
    /// ADO.NET provider keys rows by state name, not by grain type.
    /// </summary>
    public const string Grains = "nmt";
}
