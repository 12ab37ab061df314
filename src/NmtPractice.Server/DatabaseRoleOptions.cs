namespace NmtPractice.Server;

/// <summary><c>Nmt:Database</c>: the roles the migrations grant to and, in embedded mode, the server creates.</summary>
public sealed class DatabaseRoleOptions
{
    /// <summary>The application's role: the migrations grant it row access only (no DDL, audit_log append-only).</summary>
    public string AppRole { get; set; } = Persistence.Migrator.DefaultAppRole;

    /// <summary>Embedded mode only: the role that owns the database and runs the migrations.</summary>
    public string OwnerRole { get; set; } = Hosting.LocalPostgres.DatabaseRoles.DefaultOwnerRole;
}
