# Group labels that appear on printouts in French (attendance in packets for third parties).

group-kind-education = Groupe d'éducation
group-kind-support = Groupe de soutien
group-kind-peer-recovery = Groupe de rétablissement entre pairs
group-kind-workshop = Atelier
group-kind-class = Cours
group-kind-health-wellness = Groupe santé et bien-être
attendance-status-present = Présent
attendance-status-absent = Absent
attendance-status-excused = Absence justifiée
