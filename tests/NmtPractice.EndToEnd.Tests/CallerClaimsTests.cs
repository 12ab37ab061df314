using System.Security.Claims;
using NmtPractice.Api.Security;
using NmtPractice.Tokens;
using Role = NmtPractice.Grains.Abstractions.Security.Role;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>How a validated token's claims become the caller that travels with grain calls.</summary>
public sealed class CallerClaimsTests
{
    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    [Fact]
    public void A_front_desk_token_gives_its_clinics_and_ignores_a_therapist_id()
    {
        var (caller, problem) = Callers.FromClaims(
            Principal(("sub", "ann"), ("role", NmtRoles.FrontDesk), ("clinic", "soho"), ("clinic", "camden"), ("clinic", "soho"), ("therapist_id", "t1")),
            "ipv4:127.0.0.1:5000");
        Assert.Null(problem);
        Assert.Equal(Role.FrontDesk, caller!.Role);
        Assert.Equal(["soho", "camden"], caller.ClinicIds);
        Assert.Null(caller.TherapistId);
        Assert.Equal("ipv4:127.0.0.1:5000", caller.Source);
        Assert.True(caller.CanSeeClinic("soho"));
        Assert.False(caller.CanSeeClinic("nyc-midtown"));
    }

    [Fact]
    public void A_chain_admin_sees_every_clinic_whatever_its_clinic_claims()
    {
        var (caller, _) = Callers.FromClaims(Principal(("sub", "boss"), ("role", NmtRoles.ChainAdmin), ("clinic", "soho")), null);
        Assert.Empty(caller!.ClinicIds);
        Assert.True(caller.CanSeeClinic("anywhere"));
    }

    [Theory]
    [InlineData("role=therapist")]
    [InlineData("sub=a")]
    [InlineData("sub=a;role=Chain-Admin")]
    [InlineData("sub=a;role=therapist")]
    [InlineData("sub=a;role=front-desk;role=chain-admin")]
    [InlineData("sub= ;role=chain-admin")]
    public void Claims_that_make_no_caller_are_refused(string claims)
    {
        var pairs = claims.Split(';').Select(c => c.Split('=')).Select(p => (p[0], p[1])).ToArray();
        var (caller, problem) = Callers.FromClaims(Principal(pairs), null);
        Assert.Null(caller);
        Assert.NotNull(problem);
    }

    [Fact]
    public void Role_names_round_trip()
    {
        foreach (var role in Enum.GetValues<Role>())
        {
            Assert.Equal(role, Callers.ParseRole(Callers.WireName(role)));
        }
        Assert.Equal(NmtRoles.All, Enum.GetValues<Role>().Select(Callers.WireName));
    }
}
