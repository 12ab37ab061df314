namespace NmtPractice.Server;

public static class ServerRole
{
    public const string SiloAndGateway = "silo+gateway";
    public const string Silo = "silo";
    public const string Gateway = "gateway";

    public static bool HostsSilo(string role) => role is SiloAndGateway or Silo;

    public static bool ServesApi(string role) => role is SiloAndGateway or Gateway;

    public static bool IsKnown(string role) => role is SiloAndGateway or Silo or Gateway;
}
