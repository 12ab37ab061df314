namespace NmtPractice.Api.Security;

/// <summary>Who may call one RPC: the roles, and the scope check for requests from the roles that are not chain-admin.</summary>
public sealed record RpcPolicy(IReadOnlySet<Role> Roles, ScopeCheck Scope, string ScopeName);
