using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>grpc.health.v1 and server reflection answer, so load balancers and grpcurl work out of the box.</summary>
[Collection(ApiCollection.Name)]
public sealed class OperationsTests(ApiServerFixture api)
{
    [Fact]
    public async Task Health_reports_serving()
    {
        var health = new Health.HealthClient(api.Channel);
        var response = await health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    /// <summary>What the Kubernetes liveness and startup probes ask for (deploy/k8s): serving while the process answers.</summary>
    [Fact]
    public async Task Liveness_service_reports_serving_and_an_unknown_service_is_not_found()
    {
        var health = new Health.HealthClient(api.Channel);
        var response = await health.CheckAsync(new HealthCheckRequest { Service = NmtPractice.Api.NmtApi.LivenessService });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "no-such-service" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Reflection_lists_the_api_services()
    {
        var reflection = new ServerReflection.ServerReflectionClient(api.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("nmt.practice.v1.ClinicService", services);
        Assert.Contains("nmt.practice.v1.StaffService", services);
        Assert.Contains("nmt.practice.v1.ClientService", services);
        Assert.Contains("nmt.practice.v1.BookingService", services);
        Assert.Contains("nmt.practice.v1.ReportService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
