namespace NmtPractice.Api.Security;

/// <summary>
/// Decides whether an authenticated caller whose role is allowed may make this particular request: true when the
/// request is inside the caller's scope. Chain-admin never reaches a scope check (every clinic is theirs).
/// </summary>
public delegate ValueTask<bool> ScopeCheck(Caller caller, object request, ScopeResolver scopes, CancellationToken ct);
