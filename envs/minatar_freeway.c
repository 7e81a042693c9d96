/*
 * minatar_freeway.c - MinAtar's Freeway (Young & Tian 2019,
 * kenjyoung/MinAtar 1.0.15), written here from the game's rules; MinAtar
 * itself is GPL-3.0 and none of its code is in this file.
 *
 * Rules. A chicken in column 4 starts on row 9 and moves only up or down,
 * one row at most every 3 frames (a move sets a 3-frame cooldown, counted
 * down once per frame; the episode starts with it at 3). Reaching row 0 is
 * +1: the chicken goes back to row 9 and every car gets a new random speed
 * and direction (positions kept). Eight cars, one per row 1..8, drive
 * horizontally and wrap around; a car of speed s moves one cell every s+1
 * frames (its countdown starts at s). A car on the chicken's cell, before or
 * after it moves, sends the chicken back to row 9. The episode ends by
 * itself on the 2501st frame (a 2500-frame countdown that must go below 0).
 * Acting on a finished episode changes nothing. No difficulty ramp.
 *
 * Randomness, at reset and at each crossing: 8 x randint(1, 6) (speeds), then
 * 8 x rand() (direction: right if > 0.5, left if < 0.5; exactly 0.5 gives a
 * speed-0 car, which moves left every frame, kept for exactness).
 * Channels: chicken, car, then speed1..speed5: the cell behind each car
 * (wrapping) in the channel of its speed.
 */
#include "minatar.h"

#include <stdlib.h>

#define N_CARS 8
#define PLAYER_COOLDOWN 3
#define TIME_LIMIT 2500
#define CHICKEN_X 4

struct freeway {
	int car_x[N_CARS];     /* car i drives on row i + 1 */
	int car_timer[N_CARS]; /* frames until the car next moves */
	int car_speed[N_CARS]; /* signed: > 0 right, < 0 left; |speed| is the period - 1 */
	int pos;               /* the chicken's row */
	int move_timer;
	int time_left;
	int terminal;
};

/* New speeds and directions for every car (its countdown restarts at |speed|). */
static void draw_cars(struct freeway *f, struct mt19937 *rng)
{
	int speed[N_CARS];
	for (int i = 0; i < N_CARS; i++)
		speed[i] = (int)mt19937_randint(rng, 1, 6);
	for (int i = 0; i < N_CARS; i++) {
		double u = mt19937_rand(rng);
		int sign = u > 0.5 ? 1 : u < 0.5 ? -1 : 0;
		f->car_speed[i] = sign * speed[i];
		f->car_timer[i] = abs(f->car_speed[i]);
	}
}

static void freeway_reset(void *gs, struct mt19937 *rng, int ramping)
{
	struct freeway *f = gs;
	(void)ramping;
	draw_cars(f, rng);
	for (int i = 0; i < N_CARS; i++)
		f->car_x[i] = 0;
	f->pos = 9;
	f->move_timer = PLAYER_COOLDOWN;
	f->time_left = TIME_LIMIT;
	f->terminal = 0;
}

static void freeway_act(void *gs, struct mt19937 *rng, int a, int *reward, int *terminal)
{
	struct freeway *f = gs;
	*reward = 0;
	if (f->terminal) {
		*terminal = 1;
		return;
	}
	if (f->move_timer == 0 && (a == 2 || a == 4)) {
		f->move_timer = PLAYER_COOLDOWN;
		if (a == 2 && f->pos > 0)
			f->pos--;
		else if (a == 4 && f->pos < 9)
			f->pos++;
	}
	if (f->pos == 0) {
		*reward = 1;
		draw_cars(f, rng);
		f->pos = 9;
	}
	for (int i = 0; i < N_CARS; i++) {
		int row = i + 1;
		if (f->car_x[i] == CHICKEN_X && row == f->pos)
			f->pos = 9;
		if (f->car_timer[i] > 0) {
			f->car_timer[i]--;
			continue;
		}
		f->car_timer[i] = abs(f->car_speed[i]);
		int x = f->car_x[i] + (f->car_speed[i] > 0 ? 1 : -1);
		f->car_x[i] = x < 0 ? 9 : x > 9 ? 0 : x;
		if (f->car_x[i] == CHICKEN_X && row == f->pos)
			f->pos = 9;
	}
	if (f->move_timer > 0)
		f->move_timer--;
	if (--f->time_left < 0)
		f->terminal = 1;
	*terminal = f->terminal;
}

enum { CH_CHICKEN, CH_CAR, CH_SPEED1, N_CH = CH_SPEED1 + 5 };

static void freeway_render(const void *gs, uint8_t *grid)
{
	const struct freeway *f = gs;
#define CELL(y, x, c) grid[((y) * MINATAR_GRID + (x)) * N_CH + (c)]
	CELL(f->pos, CHICKEN_X, CH_CHICKEN) = 1;
	int trail = -1;
	for (int i = 0; i < N_CARS; i++) {
		int row = i + 1, x = f->car_x[i];
		CELL(row, x, CH_CAR) = 1;
		int back = x + (f->car_speed[i] > 0 ? -1 : 1);
		back = back < 0 ? 9 : back > 9 ? 0 : back;
		/* a speed-0 car (probability 2^-53 per draw) has no channel of its
		 * own: it reuses the previous car's, as the reference does (for the
		 * first car the reference fails; no trail is drawn here) */
		if (f->car_speed[i])
			trail = CH_SPEED1 + abs(f->car_speed[i]) - 1;
		if (trail >= 0)
			CELL(row, back, trail) = 1;
	}
#undef CELL
}

const struct minatar_game minatar_freeway = {
	.name = "freeway",
	.id = "Freeway",
	.channels = N_CH,
	.channel_names = { "chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5" },
	.n_minimal = 3,
	.minimal_actions = { 0, 2, 4 },
	.state_size = sizeof(struct freeway),
	.reset = freeway_reset,
	.act = freeway_act,
	.render = freeway_render,
};
