import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  cancelTaskRequestSchema,
  completeTaskRequestSchema,
  createReminderRequestSchema,
  createTaskRequestSchema,
  type Reminder,
  reminderParamsSchema,
  scheduleTaskRequestSchema,
  type Task,
  type TaskActivity,
  taskCommentRequestSchema,
  taskIdParamsSchema,
  tasksQuerySchema,
  updateTaskRequestSchema,
} from '@polis/contracts';
import { normalizeQuery, parseInput } from '@polis/platform';
import type { Caller } from '../common/caller.js';
import { invalid } from '../common/errors.js';
import { CurrentCaller } from '../common/principal.js';
import { TaskService } from './task.service.js';

@Controller('api/v1/tasks')
export class TaskController {
  constructor(private readonly tasks: TaskService) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: unknown): Promise<Task[]> {
    return this.tasks.list(caller, parseInput(tasksQuerySchema, normalizeQuery(query), 'query'));
  }

  @Post()
  @HttpCode(201)
  create(@CurrentCaller() caller: Caller, @Body() body: unknown): Promise<Task> {
    return this.tasks.create(caller, parseInput(createTaskRequestSchema, body, 'body'));
  }

  @Get(':taskId')
  get(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<Task> {
    return this.tasks.get(caller, parseInput(taskIdParamsSchema, params, 'path').taskId);
  }

  @Patch(':taskId')
  update(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<Task> {
    const { taskId } = parseInput(taskIdParamsSchema, params, 'path');
    return this.tasks.update(caller, taskId, parseInput(updateTaskRequestSchema, body, 'body'));
  }

  @Post(':taskId/schedule')
  @HttpCode(200)
  schedule(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<Task> {
    const { taskId } = parseInput(taskIdParamsSchema, params, 'path');
    const { scheduledFor } = parseInput(scheduleTaskRequestSchema, body ?? {}, 'body');
    if (scheduledFor === undefined) {
      throw invalid('Scheduling needs scheduledFor.', 'scheduled_for_required', 'scheduledFor');
    }
    return this.tasks.update(caller, taskId, { status: 'scheduled', scheduledFor });
  }

  @Post(':taskId/complete')
  @HttpCode(200)
  complete(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<Task> {
    const { taskId } = parseInput(taskIdParamsSchema, params, 'path');
    const { completedAt } = parseInput(completeTaskRequestSchema, body ?? {}, 'body');
    return this.tasks.update(caller, taskId, { status: 'completed', ...(completedAt ? { completedAt } : {}) });
  }

  @Post(':taskId/cancel')
  @HttpCode(200)
  cancel(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<Task> {
    const { taskId } = parseInput(taskIdParamsSchema, params, 'path');
    const { reason } = parseInput(cancelTaskRequestSchema, body, 'body');
    return this.tasks.update(caller, taskId, { status: 'cancelled', cancelledReason: reason });
  }

  @Get(':taskId/activity')
  activity(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<TaskActivity[]> {
    return this.tasks.activity(caller, parseInput(taskIdParamsSchema, params, 'path').taskId);
  }

  @Get(':taskId/comments')
  comments(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<TaskActivity[]> {
    return this.tasks.activity(caller, parseInput(taskIdParamsSchema, params, 'path').taskId, true);
  }

  @Post(':taskId/comments')
  @HttpCode(201)
  comment(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<TaskActivity> {
    const { taskId } = parseInput(taskIdParamsSchema, params, 'path');
    return this.tasks.comment(caller, taskId, parseInput(taskCommentRequestSchema, body, 'body').body);
  }

  @Get(':taskId/reminders')
  reminders(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<Reminder[]> {
    return this.tasks.reminders(caller, parseInput(taskIdParamsSchema, params, 'path').taskId);
  }

  @Post(':taskId/reminders')
  @HttpCode(201)
  addReminder(@CurrentCaller() caller: Caller, @Param() params: unknown, @Body() body: unknown): Promise<Reminder> {
    const { taskId } = parseInput(taskIdParamsSchema, params, 'path');
    const { remindAt, channel } = parseInput(createReminderRequestSchema, body, 'body');
    return this.tasks.addReminder(caller, taskId, remindAt, channel);
  }

  @Delete(':taskId/reminders/:reminderId')
  @HttpCode(204)
  async deleteReminder(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<void> {
    const { taskId, reminderId } = parseInput(reminderParamsSchema, params, 'path');
    await this.tasks.deleteReminder(caller, taskId, reminderId);
  }
}
