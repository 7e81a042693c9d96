/*
 * minatar_breakout.c - MinAtar's Breakout (Young & Tian 2019,
 * kenjyoung/MinAtar 1.0.15), written here from the game's rules; MinAtar
 * itself is GPL-3.0 and none of its code is in this file.
 *
 * Rules. A paddle on the bottom row (row 9) moves one column per frame
 * (left/right, clamped to 0..9); a ball moves one cell along a diagonal per
 * frame. Three rows of bricks (rows 1-3) start full; each brick the ball
 * breaks is +1. The ball reflects off the side walls and the ceiling; off a
 * brick it turns back vertically and stays on its row, unless it broke a
 * brick the frame before (then it passes into the brick's cell without
 * breaking it). On reaching row 9 it bounces straight back if it came from
 * above the paddle, back the way it came if it lands on the paddle,
 * otherwise the episode ends. Whenever the ball reaches row 9 with no brick
 * left, the three rows are refilled. Acting on a finished episode changes
 * nothing (reward 0, still terminal). No difficulty ramp.
 *
 * Randomness: reset draws randint(2) (which side the ball starts from).
 * Channels: paddle, ball, trail (the ball's previous cell), brick.
 */
#include "minatar.h"

#include <string.h>

/* Ball directions: index = dir, moving by (DX, DY) per frame (y grows downwards). */
enum { UP_LEFT, UP_RIGHT, DOWN_RIGHT, DOWN_LEFT };
static const int DX[4] = { -1, +1, +1, -1 };
static const int DY[4] = { -1, -1, +1, +1 };
/* The direction after a reflection: horizontal flip, vertical flip, both. */
static const int FLIP_X[4] = { UP_RIGHT, UP_LEFT, DOWN_LEFT, DOWN_RIGHT };
static const int FLIP_Y[4] = { DOWN_LEFT, DOWN_RIGHT, UP_RIGHT, UP_LEFT };
static const int FLIP_XY[4] = { DOWN_RIGHT, DOWN_LEFT, UP_LEFT, UP_RIGHT };

struct breakout {
	int ball_x, ball_y, ball_dir;
	int last_x, last_y; /* the ball's cell before the last frame (the trail) */
	int paddle;         /* column of the paddle on row 9 */
	int strike;         /* a brick was hit on the previous frame */
	int terminal;
	int bricks;         /* count of set cells in brick[] */
	uint8_t brick[MINATAR_GRID][MINATAR_GRID]; /* (row, column) */
};

static void fill_bricks(struct breakout *b)
{
	for (int y = 1; y <= 3; y++)
		memset(b->brick[y], 1, MINATAR_GRID);
	b->bricks = 3 * MINATAR_GRID;
}

static void breakout_reset(void *gs, struct mt19937 *rng, int ramping)
{
	struct breakout *b = gs;
	(void)ramping;
	memset(b, 0, sizeof(*b));
	if (mt19937_randint(rng, 0, 2)) {
		b->ball_x = 9;
		b->ball_dir = DOWN_LEFT;
	} else {
		b->ball_x = 0;
		b->ball_dir = DOWN_RIGHT;
	}
	b->ball_y = 3;
	b->paddle = 4;
	b->last_x = b->ball_x;
	b->last_y = b->ball_y;
	fill_bricks(b);
}

static void breakout_act(void *gs, struct mt19937 *rng, int a, int *reward, int *terminal)
{
	struct breakout *b = gs;
	(void)rng;
	*reward = 0;
	if (b->terminal) {
		*terminal = 1;
		return;
	}
	if (a == 1 && b->paddle > 0)
		b->paddle--;
	else if (a == 3 && b->paddle < 9)
		b->paddle++;

	b->last_x = b->ball_x;
	b->last_y = b->ball_y;
	int x = b->ball_x + DX[b->ball_dir], y = b->ball_y + DY[b->ball_dir];
	int hit_brick = 0;
	if (x < 0 || x > 9) {
		x = x < 0 ? 0 : 9;
		b->ball_dir = FLIP_X[b->ball_dir];
	}
	if (y < 0) {
		/* the ceiling (the brick test is skipped on this frame) */
		y = 0;
		b->ball_dir = FLIP_Y[b->ball_dir];
	} else if (b->brick[y][x]) {
		hit_brick = 1;
		if (!b->strike) {
			*reward = 1;
			b->strike = 1;
			b->brick[y][x] = 0;
			b->bricks--;
			y = b->last_y;
			b->ball_dir = FLIP_Y[b->ball_dir];
		}
	} else if (y == 9) {
		if (!b->bricks)
			fill_bricks(b);
		if (b->ball_x == b->paddle) {
			/* the ball came down above the paddle: straight back up */
			b->ball_dir = FLIP_Y[b->ball_dir];
			y = b->last_y;
		} else if (x == b->paddle) {
			b->ball_dir = FLIP_XY[b->ball_dir];
			y = b->last_y;
		} else {
			b->terminal = 1;
		}
	}
	if (!hit_brick)
		b->strike = 0;
	b->ball_x = x;
	b->ball_y = y;
	*terminal = b->terminal;
}

enum { CH_PADDLE, CH_BALL, CH_TRAIL, CH_BRICK, N_CH };

static void breakout_render(const void *gs, uint8_t *grid)
{
	const struct breakout *b = gs;
#define CELL(y, x, c) grid[((y) * MINATAR_GRID + (x)) * N_CH + (c)]
	CELL(b->ball_y, b->ball_x, CH_BALL) = 1;
	CELL(9, b->paddle, CH_PADDLE) = 1;
	CELL(b->last_y, b->last_x, CH_TRAIL) = 1;
	for (int y = 0; y < MINATAR_GRID; y++)
		for (int x = 0; x < MINATAR_GRID; x++)
			CELL(y, x, CH_BRICK) = b->brick[y][x];
#undef CELL
}

const struct minatar_game minatar_breakout = {
	.name = "breakout",
	.id = "Breakout",
	.channels = N_CH,
	.channel_names = { "paddle", "ball", "trail", "brick" },
	.n_minimal = 3,
	.minimal_actions = { 0, 1, 3 },
	.state_size = sizeof(struct breakout),
	.reset = breakout_reset,
	.act = breakout_act,
	.render = breakout_render,
};
