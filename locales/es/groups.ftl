# Group labels that appear on printouts in Spanish (attendance in packets for third parties).

group-kind-education = Grupo educativo
group-kind-support = Grupo de apoyo
group-kind-peer-recovery = Grupo de recuperación entre pares
group-kind-workshop = Taller
group-kind-class = Clase
group-kind-health-wellness = Grupo de salud y bienestar
attendance-status-present = Presente
attendance-status-absent = Ausente
attendance-status-excused = Ausencia justificada
