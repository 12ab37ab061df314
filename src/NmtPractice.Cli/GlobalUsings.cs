global using System.CommandLine;
global using System.Globalization;
global using Google.Protobuf.WellKnownTypes;
global using Grpc.Core;
global using NmtPractice.Api.V1;
global using NodaTime;
global using Spectre.Console;
