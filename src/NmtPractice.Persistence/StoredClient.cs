using NmtPractice.Domain.Clients;

namespace NmtPractice.Persistence;

/// <summary>A client as the directory holds it: null when unknown or erased; <see cref="Erased"/> when the id was erased.</summary>
public sealed record StoredClient(Client? Client, bool Erased);
