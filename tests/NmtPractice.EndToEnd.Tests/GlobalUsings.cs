global using Grpc.Core;
global using NmtPractice.Api.V1;
global using NodaTime;
global using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
global using V1 = NmtPractice.Api.V1;
