"""A2A (Agent2Agent) for toolloom's assistants, on the official ``a2a-sdk``.

``POST /a2a/{assistant_id}`` is a JSON-RPC endpoint served by the SDK's ``JsonRpcDispatcher``
with its v0.3 compatibility on: the v0.3 methods ``message/send``, ``message/stream``,
``tasks/get`` (what most A2A clients send) and the v1.0 ones (``SendMessage``,
``SendStreamingMessage``, ``GetTask``, with the ``A2A-Version: 1.0`` header). The SDK parses and
checks the requests, converts between the protocol versions and frames the answers and the
event stream; :class:`ToolloomA2AHandler` is the SDK's ``RequestHandler`` that does the work:

- **a message** is a stored run of the assistant with the message's text as the user's turn
  (:mod:`server.agentserver.agent_calls`: the caller's key, limits, tool-call recovery and
  side-effect rules, as for any run). Its ``contextId`` is a toolloom thread (the caller's; made
  when new); without one the run gets a new thread, whose id comes back as the ``contextId``.
- **a task** is that run: its id is the run's id, its state the run's status (``submitted``,
  ``working``, ``completed``, ``failed``, ``canceled``, ``input-required`` when the thread waits
  for an approval), its artifact the agent's answer. Tasks live in toolloom's database like
  every run, so ``tasks/get`` answers on any replica. Another key's task is "not found".
- ``message/stream`` sends the task, a ``working`` status, the answer as an artifact and the
  final status.

The agent card (``GET /.well-known/agent-card.json``, ``GET /a2a/{id}/.well-known/agent-card.json``)
is built with the SDK's ``AgentCard`` and served in its v1.0 form with the v0.3 fields merged in.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncGenerator
from importlib import metadata
from typing import Any

from a2a.server.context import ServerCallContext
from a2a.server.events.event_queue import Event
from a2a.server.request_handlers.request_handler import RequestHandler
from a2a.server.request_handlers.response_helpers import agent_card_to_dict
from a2a.server.routes.common import DefaultServerCallContextBuilder
from a2a.server.routes.jsonrpc_dispatcher import JsonRpcDispatcher
from a2a.types.a2a_pb2 import (
    AgentCapabilities,
    AgentCard,
    AgentInterface,
    AgentSkill,
    Artifact,
    CancelTaskRequest,
    DeleteTaskPushNotificationConfigRequest,
    GetExtendedAgentCardRequest,
    GetTaskPushNotificationConfigRequest,
    GetTaskRequest,
    ListTaskPushNotificationConfigsRequest,
    ListTaskPushNotificationConfigsResponse,
    ListTasksRequest,
    ListTasksResponse,
    Message,
    Part,
    Role,
    SendMessageRequest,
    SubscribeToTaskRequest,
    Task,
    TaskArtifactUpdateEvent,
    TaskPushNotificationConfig,
    TaskState,
    TaskStatus,
    TaskStatusUpdateEvent,
)
from a2a.utils.errors import (
    A2AError,
    InvalidParamsError,
    TaskNotCancelableError,
    TaskNotFoundError,
    UnsupportedOperationError,
)
from google.protobuf.json_format import MessageToDict
from starlette.requests import Request
from starlette.responses import Response

from server.agentserver import agent_calls
from server.agentserver.assistant_config import resolve_assistant_config
from server.agentserver.shapes import ASSISTANT_ID, GRAPH_ID, is_uuid
from server.agentserver.stored_runs import stop_agent_run
from server.agentserver.worker import RunWorker
from server.api_error import ApiError
from server.auth.api_keys import Principal
from server.runtime import AgentRuntime
from server.storage.engine import ThreadNotFound
from server.storage.tables import RunRow

STATES = {
    "pending": TaskState.TASK_STATE_SUBMITTED,
    "running": TaskState.TASK_STATE_WORKING,
    "success": TaskState.TASK_STATE_COMPLETED,
    "error": TaskState.TASK_STATE_FAILED,
    "timeout": TaskState.TASK_STATE_FAILED,
    "interrupted": TaskState.TASK_STATE_CANCELED,
}
MAX_TEXT = 100_000


# --- messages in, tasks out ------------------------------------------------------------------


def text_of(message: Message) -> str:
    """The user's turn: the message's text parts, and its data parts as JSON."""
    pieces: list[str] = []
    for part in message.parts:
        kind = part.WhichOneof("content")
        if kind == "text":
            pieces.append(part.text)
        elif kind == "data":
            pieces.append(json.dumps(MessageToDict(part.data), ensure_ascii=False))
        elif kind == "url":
            pieces.append(part.url)
    text = "\n".join(p for p in pieces if p)
    if not text.strip():
        raise InvalidParamsError(message="the message has no text or data part")
    if len(text) > MAX_TEXT:
        raise InvalidParamsError(message=f"the message is longer than {MAX_TEXT} characters")
    return text


def agent_message(text: str, task_id: str, context_id: str) -> Message:
    return Message(
        message_id=str(uuid.uuid4()),
        role=Role.ROLE_AGENT,
        parts=[Part(text=text)],
        task_id=task_id,
        context_id=context_id,
    )


def answer_artifact(text: str) -> Artifact:
    return Artifact(artifact_id=str(uuid.uuid4()), name="answer", parts=[Part(text=text)])


def task_of(answer: agent_calls.Answer, history: list[Message] | None = None) -> Task:
    """The task of a run that has ended (or not yet: submitted / working)."""
    state = STATES.get(answer.status, TaskState.TASK_STATE_WORKING)
    if answer.interrupts:
        state = TaskState.TASK_STATE_INPUT_REQUIRED
    task = Task(id=answer.run_id, context_id=answer.thread_id, status=TaskStatus(state=state))
    if answer.text:  # (the task holds a copy of what it was given: set it there)
        task.status.message.CopyFrom(agent_message(answer.text, answer.run_id, answer.thread_id))
        if state == TaskState.TASK_STATE_COMPLETED:
            task.artifacts.append(answer_artifact(answer.text))
    for message in history or []:
        task.history.append(message)
    return task


def _api_error(error: ApiError) -> A2AError:
    if error.status == 404:
        return TaskNotFoundError(message=error.message)
    return InvalidParamsError(message=error.message)


# --- the handler ---------------------------------------------------------------------------------


class ToolloomA2AHandler(RequestHandler):
    """The SDK's request handler, answered by stored runs (see the module docstring)."""

    @staticmethod
    def _ctx(context: ServerCallContext) -> tuple[AgentRuntime, RunWorker, Principal, str]:
        return (
            context.state["toolloom_runtime"],
            context.state["toolloom_worker"],
            context.state["toolloom_caller"],
            context.state["toolloom_assistant"],
        )

    async def _start(
        self, params: SendMessageRequest, context: ServerCallContext, modes: list[str]
    ) -> tuple[Any, Message]:
        runtime, worker, caller, assistant_id = self._ctx(context)
        message = params.message
        text = text_of(message)
        thread_id = message.context_id or str(uuid.uuid4())  # a new context is kept
        try:
            run = await agent_calls.start(
                runtime,
                worker,
                caller,
                text,
                thread_id=thread_id,
                assistant_id=assistant_id,
                stream_mode=modes,
                metadata={"a2a_message_id": message.message_id} if message.message_id else {},
                listen=True,
            )
        except ApiError as error:
            raise _api_error(error) from None
        user = Message()
        user.CopyFrom(message)
        user.task_id, user.context_id = run.run_id, run.thread_id
        if not user.message_id:
            user.message_id = str(uuid.uuid4())
        return run, user

    async def on_message_send(
        self, params: SendMessageRequest, context: ServerCallContext
    ) -> Task | Message:
        runtime, _, _, _ = self._ctx(context)
        run, user = await self._start(params, context, ["values"])
        if params.configuration.return_immediately:
            asyncio.get_running_loop().create_task(_drain(run))
            return task_of(agent_calls.Answer(run.run_id, run.thread_id, "pending"), [user])
        async for _ in agent_calls.events(run):
            pass
        answer = await agent_calls.finish(runtime, run)
        return task_of(answer, [user])

    async def on_message_send_stream(
        self, params: SendMessageRequest, context: ServerCallContext
    ) -> AsyncGenerator[Event]:
        runtime, _, _, _ = self._ctx(context)
        run, user = await self._start(params, context, ["values", "updates"])
        submitted = task_of(agent_calls.Answer(run.run_id, run.thread_id, "pending"), [user])
        yield submitted
        yield TaskStatusUpdateEvent(
            task_id=run.run_id,
            context_id=run.thread_id,
            status=TaskStatus(state=TaskState.TASK_STATE_WORKING),
        )
        async for name, data in agent_calls.events(run):
            if name != "updates" or not isinstance(data, dict):
                continue
            for node, update in data.items():
                calls = _tool_calls(update) if node in ("route", "detect-intent") else []
                for call in calls:
                    yield TaskStatusUpdateEvent(
                        task_id=run.run_id,
                        context_id=run.thread_id,
                        status=TaskStatus(
                            state=TaskState.TASK_STATE_WORKING,
                            message=agent_message(f"calling {call}", run.run_id, run.thread_id),
                        ),
                    )
        answer = await agent_calls.finish(runtime, run)
        final = task_of(answer)
        if final.artifacts:
            yield TaskArtifactUpdateEvent(
                task_id=run.run_id,
                context_id=run.thread_id,
                artifact=final.artifacts[0],
                last_chunk=True,
            )
        yield TaskStatusUpdateEvent(
            task_id=run.run_id, context_id=run.thread_id, status=final.status
        )

    async def on_get_task(self, params: GetTaskRequest, context: ServerCallContext) -> Task | None:
        runtime, _, caller, _ = self._ctx(context)
        row = await _own_run(runtime, caller, params.id)
        answer = agent_calls.Answer(row.run_id, row.thread_id, row.status)
        if row.status not in ("pending", "running"):
            answer.text = await _run_answer(runtime, row)
            thread = await asyncio.to_thread(
                runtime.store.threads.get_thread, row.thread_id, caller.name
            )
            if json.loads(thread.interrupts_json or "{}") and row.status == "success":
                answer.interrupts = [{"pending": True}]
        return task_of(answer)

    async def on_cancel_task(
        self, params: CancelTaskRequest, context: ServerCallContext
    ) -> Task | None:
        runtime, worker, caller, _ = self._ctx(context)
        row = await _own_run(runtime, caller, params.id)
        try:
            await stop_agent_run(runtime, worker, row.thread_id, row.run_id, "interrupt")
        except ApiError:
            raise TaskNotCancelableError(message="the task has ended") from None
        return task_of(agent_calls.Answer(row.run_id, row.thread_id, "interrupted"))

    async def on_list_tasks(
        self, params: ListTasksRequest, context: ServerCallContext
    ) -> ListTasksResponse:
        raise UnsupportedOperationError(message="tasks/list is not supported")

    async def on_subscribe_to_task(
        self, params: SubscribeToTaskRequest, context: ServerCallContext
    ) -> AsyncGenerator[Event]:
        raise UnsupportedOperationError(message="resubscribing to a task is not supported")
        yield  # pragma: no cover

    async def on_create_task_push_notification_config(
        self, params: TaskPushNotificationConfig, context: ServerCallContext
    ) -> TaskPushNotificationConfig:
        raise UnsupportedOperationError(message="push notifications: use the run's webhook")

    async def on_get_task_push_notification_config(
        self, params: GetTaskPushNotificationConfigRequest, context: ServerCallContext
    ) -> TaskPushNotificationConfig:
        raise UnsupportedOperationError(message="push notifications are not supported")

    async def on_list_task_push_notification_configs(
        self, params: ListTaskPushNotificationConfigsRequest, context: ServerCallContext
    ) -> ListTaskPushNotificationConfigsResponse:
        raise UnsupportedOperationError(message="push notifications are not supported")

    async def on_delete_task_push_notification_config(
        self, params: DeleteTaskPushNotificationConfigRequest, context: ServerCallContext
    ) -> None:
        raise UnsupportedOperationError(message="push notifications are not supported")

    async def on_get_extended_agent_card(
        self, params: GetExtendedAgentCardRequest, context: ServerCallContext
    ) -> AgentCard:
        raise UnsupportedOperationError(message="no extended agent card")


async def _drain(run: Any) -> None:
    async for _ in agent_calls.events(run):
        pass


def _tool_calls(update: Any) -> list[str]:
    messages = update.get("messages") if isinstance(update, dict) else None
    found = []
    for message in messages or []:
        for call in (message.get("tool_calls") if isinstance(message, dict) else None) or []:
            found.append(f"{call.get('name')}({json.dumps(call.get('args'), ensure_ascii=False)})")
    return found


async def _own_run(runtime: AgentRuntime, caller: Principal, task_id: str) -> RunRow:
    if not is_uuid(task_id):
        raise TaskNotFoundError()
    row = await asyncio.to_thread(runtime.store.runs.find_run, task_id)
    if row is None:
        raise TaskNotFoundError()
    try:
        await asyncio.to_thread(runtime.store.threads.get_thread, row.thread_id, caller.name)
    except ThreadNotFound:
        raise TaskNotFoundError() from None
    return row


async def _run_answer(runtime: AgentRuntime, row: RunRow) -> str:
    """The last assistant message the run wrote to the thread's transcript."""
    messages = await asyncio.to_thread(runtime.store.transcript.messages, row.thread_id, 10_000)
    for message in reversed(messages):
        mine = getattr(message, "run_id", None) == row.run_id
        if mine and message.role == "assistant" and message.content:
            return str(message.content)
    if row.status == "error":
        return row.error or "the run failed"
    return ""


# --- the endpoint and the card -------------------------------------------------------------------


class _Context(DefaultServerCallContextBuilder):
    """The SDK's call context, plus toolloom's runtime, the caller (checked by the route) and
    the assistant of the path."""

    def build(self, request: Request) -> ServerCallContext:
        context = super().build(request)
        context.state["toolloom_runtime"] = request.app.state.runtime
        context.state["toolloom_worker"] = request.app.state.worker
        context.state["toolloom_caller"] = request.state.principal
        context.state["toolloom_assistant"] = request.state.a2a_assistant
        return context


_DISPATCHER = JsonRpcDispatcher(
    ToolloomA2AHandler(), context_builder=_Context(), enable_v0_3_compat=True
)


async def handle(request: Request, assistant_id: str) -> Response:
    """One JSON-RPC request to the assistant (the caller was checked by the route; another key's
    assistant is as unknown as one that does not exist)."""
    runtime = request.app.state.runtime
    try:
        resolved, _ = await resolve_assistant_config(runtime, request.state.principal, assistant_id)
    except ApiError as error:
        return Response(
            json.dumps({"detail": error.message}), status_code=error.status,
            media_type="application/json",
        )  # fmt: skip
    request.state.a2a_assistant = resolved
    return await _DISPATCHER.handle_requests(request)


DESCRIPTION = (
    "toolloom's agent: answers and uses its sandboxed tools (calculator, time, files in one "
    "workspace, a sandbox database, public HTTP APIs and pages), with tool calling made "
    "reliable for local models"
)


async def agent_card(
    runtime: AgentRuntime,
    caller: Principal,
    base_url: str,
    assistant_id: str,
    *,
    keys_required: bool,
) -> dict[str, Any]:
    """The assistant's agent card (v1.0 with the v0.3 fields merged in): its name and
    description are the assistant's."""
    resolved, _ = await resolve_assistant_config(runtime, caller, assistant_id)
    name, description = GRAPH_ID, DESCRIPTION
    if resolved != ASSISTANT_ID and runtime.assistants is not None:
        found = await asyncio.to_thread(runtime.assistants.get, resolved, caller.name)
        name, description = found.name, found.description or f"{found.name} assistant"
    url = f"{base_url.rstrip('/')}/a2a/{resolved}"
    card = AgentCard(
        name=name,
        description=description,
        supported_interfaces=[
            AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version="1.0"),
            AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version="0.3"),
        ],
        version=_version(),
        capabilities=AgentCapabilities(streaming=True, push_notifications=False),
        default_input_modes=["text/plain", "application/json"],
        default_output_modes=["text/plain"],
        skills=[
            AgentSkill(
                id=f"{resolved}-main",
                name=f"{name} capabilities",
                description=description,
                tags=["assistant", "langgraph", "tools"],
                examples=["What is 23*19?", "What time is it in Seoul?"],
                input_modes=["text/plain"],
                output_modes=["text/plain"],
            )
        ],
    )
    found_card = agent_card_to_dict(card)
    if keys_required:
        found_card["securitySchemes"] = {
            "apiKey": {"apiKeySecurityScheme": {"location": "header", "name": "x-api-key"}}
        }
        found_card["security"] = [{"apiKey": []}]
    return found_card


def _version() -> str:
    try:
        return metadata.version("toolloom")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "0"
