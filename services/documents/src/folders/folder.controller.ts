import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { createFolderRequestSchema, type Folder, folderParamsSchema } from '@polis/contracts';
import { parseInput } from '@polis/platform';
import { type Caller, CurrentCaller } from '../common/caller.js';
import { FolderService } from './folder.service.js';
import { toFolder } from './folder.view.js';

@Controller('api/v1/folders')
export class FolderController {
  constructor(private readonly folders: FolderService) {}

  @Post()
  @HttpCode(201)
  async create(@CurrentCaller() caller: Caller, @Body() body: unknown): Promise<Folder> {
    return toFolder(await this.folders.create(caller, parseInput(createFolderRequestSchema, body, 'body')));
  }

  @Get(':ownerType/:ownerId')
  async get(@CurrentCaller() caller: Caller, @Param() params: unknown): Promise<Folder> {
    const { ownerType, ownerId } = parseInput(folderParamsSchema, params, 'path');
    return toFolder(await this.folders.get(caller, ownerType, ownerId.toLowerCase()));
  }
}
