using Google.Rpc;
using Status = Google.Rpc.Status;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>Reads the google.rpc.Status details of a failed call.</summary>
public static class RpcDetails
{
    public static Status Status(this RpcException e) => e.GetRpcStatus() ?? throw new Xunit.Sdk.XunitException($"No google.rpc.Status in {e.Status}.");

    public static T? Detail<T>(this RpcException e)
        where T : class, Google.Protobuf.IMessage<T>, new()
    {
        var status = e.GetRpcStatus();
        var any = status?.Details.FirstOrDefault(d => d.Is(new T().Descriptor));
        return any?.Unpack<T>();
    }

    public static IReadOnlyList<string> ViolatedFields(this RpcException e) =>
        e.Detail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
}
