// Package appoint is service appointments (服务预约): a taxpayer user books
// a time slot of a service (发票领用, 办税辅导, 到厅办理) at a bureau's service
// hall, changes or cancels it until a cut-off, is reminded the day before
// and checks in at the hall, where the clerk's check-in gives a queue
// number. Three no-shows block online booking for a while.
//
// The invariants live in the database: a slot's booked count is raised by
// one guarded UPDATE (booked < capacity) under a CHECK, a person holds one
// live booking of a slot (partial unique index), and queue numbers come
// from a counter row per hall and day, unique by index. Two nodes of the
// hall can therefore never over-book a slot or hand out a number twice.
package appoint

import (
	"context"
	"fmt"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
)

// States of an appointment.
const (
	Booked    = "booked"
	Cancelled = "cancelled"
	CheckedIn = "checked_in"
	NoShow    = "no_show"
)

var stateNames = map[string]string{Booked: "已预约", Cancelled: "已取消", CheckedIn: "已签到", NoShow: "失约"}

// StateName is the Chinese name of a state.
func StateName(s string) string { return stateNames[s] }

// Rules of booking.
const (
	// CutOff: a slot is booked, changed or cancelled online until this long
	// before it starts.
	CutOff = 2 * time.Hour
	// NoShowLimit no-shows within NoShowWindow block online booking until
	// the oldest of them leaves the window.
	NoShowLimit  = 3
	NoShowWindow = 90 // days
	// DaysAhead is how many working days ahead slots are offered.
	DaysAhead = 10
	MaxItem   = 100
)

// cst is China Standard Time: slots are local times of the halls.
var cst = time.FixedZone("CST", 8*3600)

// Today is the date in China at t.
func Today(t time.Time) calendar.Date { return calendar.FromTime(t.In(cst)) }

// Calendar gives the working-day calendar (filingcal.Service).
type Calendar interface {
	Calendar(ctx context.Context) (*calendar.Calendar, error)
}

// Service books and serves appointments.
type Service struct {
	DB  *db.DB
	Now func() time.Time
	Cal Calendar
}

// Hall is a bureau's service hall.
type Hall struct {
	ID      int64
	OrgID   int64
	OrgName string
	OrgPath string
	Name    string
	Address string
	Windows int
}

// Svc is a service that can be booked.
type Svc struct {
	ID        int64
	Code      string
	Name      string
	About     string
	NeedsItem bool
}

// Slot is a time slot of a service at a hall.
type Slot struct {
	ID        int64
	HallID    int64
	ServiceID int64
	Window    int
	Day       calendar.Date
	Start     string // HH:MM
	End       string
	StartsAt  time.Time
	Capacity  int
	Booked    int
}

// Left is how many places are free.
func (s *Slot) Left() int { return s.Capacity - s.Booked }

// Appointment is one booking.
type Appointment struct {
	ID          int64
	SlotID      int64
	HallID      int64
	HallName    string
	HallAddress string
	ServiceName string
	Window      int
	Day         calendar.Date
	Start, End  string
	StartsAt    time.Time
	TaxpayerID  int64
	Taxpayer    string
	UserID      int64
	UserName    string
	Item        string
	Phone       string
	State       string
	QueueNo     int
	CheckedInAt time.Time
	CreatedAt   time.Time
}

// StateName is the Chinese name of the appointment's state.
func (a *Appointment) StateName() string { return StateName(a.State) }

// Ticket is the queue number as the hall calls it: "Y007".
func (a *Appointment) Ticket() string { return Ticket(a.QueueNo) }

// Ticket formats a queue number.
func Ticket(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("Y%03d", n)
}

// CanServe reports whether a staff member works the halls: window clerks
// and hall supervisors (of their bureau's subtree).
func CanServe(a *auth.Actor) bool {
	return a.HasRole(auth.RoleWindowClerk) || a.HasRole(auth.RoleHallSupervisor)
}

// CanPlan reports whether a staff member opens slots: hall supervisors.
func CanPlan(a *auth.Actor) bool { return a.HasRole(auth.RoleHallSupervisor) }

// changeable reports whether a slot starting at start may still be booked,
// changed or cancelled at now.
func changeable(start, now time.Time) bool { return now.Add(CutOff).Before(start) }

// Changeable reports whether the appointment may still be changed or
// cancelled online.
func (a *Appointment) Changeable(now time.Time) bool {
	return a.State == Booked && changeable(a.StartsAt, now)
}

// actorStaff is the staff id of the actor in ctx, nil for none.
func actorStaff(ctx context.Context) any {
	if a := auth.ActorFrom(ctx); a != nil && a.Kind == auth.Staff {
		return a.UserID
	}
	return nil
}
