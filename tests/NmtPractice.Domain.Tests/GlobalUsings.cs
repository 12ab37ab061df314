global using NmtPractice.Domain.Appointments;
global using NmtPractice.Domain.Clinics;
global using NmtPractice.Domain.Scheduling;
global using NmtPractice.Domain.Staff;
global using NmtPractice.Domain.Time;
global using NodaTime;
