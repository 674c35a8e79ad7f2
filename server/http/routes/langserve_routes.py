"""LangServe's ``/agent/*``: invoke, batch, stream, stream_events, schemas and the playground.

LangServe serves :class:`AgentRunnable`, a thin runnable whose every call is a
:class:`~server.road.run.Run`: the same road as ``/v1`` and the web page (thread claim and lock,
transcript, usage, error mapping). The thread comes from the ``X-Thread-Id`` header (a new one
is made when it is absent and returned in that header); a client's ``config.configurable``, which
LangServe would silently drop, is refused with 400. The ``X-Model`` header picks the model (as
``model`` does in ``/v1``); invoke and batch say which backend answered in ``X-Toolloom-Model``.

Input messages may be LangChain's (``{"type": "human", "content": ...}``) or in OpenAI's role
form (``{"role": "user", "content": ...}``), as LangGraph's own API takes them; anything else is
a 422 naming the field.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from langchain_core.messages import AnyMessage, BaseMessage, convert_to_messages
from langchain_core.runnables import Runnable, RunnableConfig
from langserve import APIHandler
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    create_model,
    model_validator,
)

from server.api_error import ApiError
from server.http.deps import CallerDep, ModelHeader, RuntimeDep
from server.http.sse import sse_documented
from server.road.approvals import interrupts_json
from server.road.request import (
    MODEL_HEADER,
    THREAD_HEADER,
    RunRequest,
    check_storable,
    prepare,
    thread_id_from,
)
from server.road.run import Run
from server.storage.response_cache import wants_no_cache

router = APIRouter(prefix="/agent", tags=["agent"])

_RUN_KEY = "__toolloom_run"


class Interrupt(BaseModel):
    """A LangGraph interrupt: an approval the run waits for (see server/road/approvals.py)."""

    id: str
    value: dict[str, Any]


class RoleMessage(BaseModel):
    """A message in OpenAI's role form, as LangGraph's API also takes it."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "human", "assistant", "ai", "system", "developer", "tool"]
    content: str | list[dict[str, Any]]
    name: str | None = None
    id: str | None = None
    tool_call_id: str | None = None
    tool_calls: list[dict[str, Any]] | None = None

    @model_validator(mode="after")
    def _tool_needs_its_call(self) -> RoleMessage:
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("a tool message needs tool_call_id")
        return self


def _message_form(value: Any) -> str:
    if isinstance(value, dict):
        return "message" if "type" in value else "role"
    return "message" if isinstance(value, BaseMessage) else "role"


InputMessage = Annotated[
    Annotated[AnyMessage, Tag("message")] | Annotated[RoleMessage, Tag("role")],
    Discriminator(_message_form),
]


class AgentInput(BaseModel):
    """What ``/agent/*`` takes: the new message(s) of the conversation."""

    model_config = ConfigDict(extra="forbid")

    messages: list[InputMessage] = Field(min_length=1)


class InvokeBody(BaseModel):
    """The body of ``/agent/invoke``, ``/agent/stream`` and ``/agent/stream_events``."""

    model_config = ConfigDict(extra="forbid")

    input: AgentInput
    config: dict[str, Any] = Field(default_factory=dict)
    """LangServe's run config (tags, metadata, run_name); ``configurable`` is refused: the thread
    comes from the X-Thread-Id header."""
    kwargs: dict[str, Any] = Field(default_factory=dict)


class BatchBody(BaseModel):
    """The body of ``/agent/batch``: every input runs on the header's thread, one at a time."""

    model_config = ConfigDict(extra="forbid")

    inputs: list[AgentInput]
    config: dict[str, Any] | list[dict[str, Any]] = Field(default_factory=dict)
    kwargs: dict[str, Any] = Field(default_factory=dict)


def documented(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads its body itself (LangServe does)."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


def as_messages(value: Any) -> list[BaseMessage]:
    """The input's messages as LangChain messages (role-form ones converted as ``add_messages``
    converts them)."""
    messages = value.get("messages") if isinstance(value, dict) else None
    if not isinstance(messages, list):
        raise ApiError(422, "input.messages: a list of messages is required")
    try:
        converted = convert_to_messages(
            [m.model_dump(exclude_none=True) if isinstance(m, RoleMessage) else m for m in messages]
        )
    except Exception as exc:  # LangChain's constructors raise KeyError, TypeError, ValueError
        raise ApiError(422, f"input.messages: not a valid message ({exc})") from None
    check_storable(converted)
    return converted


def _run_of(config: RunnableConfig | None) -> tuple[Run, dict[str, Any]]:
    """The request's prepared run, and LangServe's config without it."""
    base: dict[str, Any] = dict(config or {})
    configurable = dict(base.get("configurable") or {})
    run = configurable.pop(_RUN_KEY, None)
    if not isinstance(run, Run):  # pragma: no cover - only if served outside these routes
        raise ApiError(500, "the agent runnable was called without a prepared run")
    base["configurable"] = configurable
    return run, base


class AgentRunnable(Runnable[dict[str, Any], dict[str, Any]]):
    """What LangServe serves: every call runs on the one road (:class:`server.road.run.Run`), with
    LangServe's callbacks passed down to the graph (so ``stream_events`` sees every node)."""

    name = "toolloom"

    def __init__(self, graph: Runnable[Any, Any]) -> None:
        self.graph = graph

    def get_input_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        return AgentInput

    def get_output_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        """The graph's state, plus ``__interrupt__`` when the run waits for a person (LangServe
        drops keys its output schema does not name)."""
        schema: type[BaseModel] = self.graph.get_output_schema(config)  # type: ignore[assignment]
        return create_model(
            "AgentOutput",
            __base__=schema,
            interrupts=(
                list[Interrupt] | None,
                Field(default=None, alias="__interrupt__",
                      description="The approvals the run waits for (policy ask)."),
            ),
        )  # fmt: skip

    def invoke(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        raise NotImplementedError("the agent runs asynchronously; use ainvoke")

    async def ainvoke(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        run, base = _run_of(config)
        return _plain(await run.invoke(as_messages(input), config=base))

    async def astream(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[dict[str, Any]]:
        run, base = _run_of(config)
        async for chunk in run.stream(as_messages(input), config=base):
            yield _plain(chunk)


def _plain(chunk: Any) -> Any:
    """A run that waits for a person shows it as LangGraph does: ``__interrupt__`` with each
    interrupt's id and value (here as plain JSON)."""
    if isinstance(chunk, dict) and "__interrupt__" in chunk:
        return {**chunk, "__interrupt__": interrupts_json(chunk["__interrupt__"])}
    return chunk


LANGSERVE_FIELDS = {
    "invoke": {"input", "config", "kwargs"},
    "batch": {"inputs", "config", "kwargs"},
    "stream": {"input", "config", "kwargs"},
    "stream_events": {"input", "config", "kwargs", "include_names", "include_types",
                      "include_tags", "exclude_names", "exclude_types", "exclude_tags"},
}  # fmt: skip


async def check_request(request: Request) -> list[BaseMessage]:
    """What LangServe would get wrong, checked before the thread is claimed: it silently drops a
    client's ``config.configurable`` (thread_id included) and any field it does not know (here
    a 400 that says what to do instead), and its input is validated here first, so a bad input
    is a 422 naming the field and leaves no trace."""
    try:
        body = await request.json()
    except ValueError:  # not JSON, or not UTF-8 (LangServe would answer that with a 500)
        raise ApiError(400, "the request body is not valid JSON in UTF-8") from None
    endpoint = request.url.path.rsplit("/", 1)[-1]
    allowed = LANGSERVE_FIELDS.get(endpoint)
    if isinstance(body, dict) and allowed is not None:
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise ApiError(
                400,
                f"unknown field(s) {', '.join(unknown)}; this endpoint takes {', '.join(sorted(allowed))}",
            )
    config = body.get("config") if isinstance(body, dict) else None
    configurable = config.get("configurable") if isinstance(config, dict) else None
    sent = (
        sorted(k for k, v in configurable.items() if v is not None)
        if isinstance(configurable, dict)
        else []
    )
    if sent:
        raise ApiError(
            400,
            f"config.configurable ({', '.join(sent)}) is not accepted; "
            f"send the thread id in the {THREAD_HEADER} header",
        )
    model = BatchBody if endpoint == "batch" else InvokeBody
    try:
        validated = model.model_validate(body)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ["body", *error["loc"]]} for error in exc.errors()]
        ) from None
    except Exception as exc:  # LangChain's message constructors raise TypeError on some shapes
        raise RequestValidationError(
            [{"loc": ["body", "inputs" if endpoint == "batch" else "input", "messages"],
              "msg": f"not a valid message: {exc}", "type": "value_error"}]
        ) from None  # fmt: skip
    # The road checks them (the server's limits; what the checkpointer could not store fails
    # there, not when the run ends); a batch is one request.
    inputs = validated.inputs if isinstance(validated, BatchBody) else [validated.input]
    return [m for item in inputs for m in as_messages({"messages": list(item.messages)})]


def run_config(config: dict[str, Any], request: Request) -> dict[str, Any]:
    """LangServe's per-request hook: hand the prepared run to :class:`AgentRunnable`."""
    return {**config, "configurable": {_RUN_KEY: request.state.run}}


def get_handler(request: Request) -> APIHandler:
    handler: APIHandler | None = getattr(request.app.state, "agent_handler", None)
    if handler is None:  # pragma: no cover - only before the lifespan has run
        raise ApiError(503, "the server is starting")
    return handler


HandlerDep = Annotated[APIHandler, Depends(get_handler)]


def make_handler(graph: Runnable[Any, Any]) -> APIHandler:
    return APIHandler(AgentRunnable(graph), path="/agent", per_req_config_modifier=run_config)


async def serve(
    request: Request, runtime: RuntimeDep, caller: CallerDep, model: str | None, call: Any
) -> Response:
    """Prepare the run on the header's thread and model, then let LangServe call the runnable.
    Invoke and batch answer after the run: their ``X-Toolloom-Model`` says which backend served
    it (a stream's headers go out before the run)."""
    messages = await check_request(request)
    thread_id = thread_id_from(request.headers.get(THREAD_HEADER))
    run = await prepare(
        runtime,
        RunRequest(
            caller,
            thread_id,
            messages=messages,
            model=model,
            model_param=MODEL_HEADER,
            invalid_status=422,
            messages_param="input.messages",
            no_cache=wants_no_cache(request.headers),
            request_state=request.state,
        ),
    )
    request.state.run = run
    response: Response = await call(request)
    response.headers[THREAD_HEADER] = thread_id
    response.headers.update(run.served_headers())
    return response


@router.post("/invoke", openapi_extra=documented(InvokeBody))
async def agent_invoke(
    request: Request,
    handler: HandlerDep,
    runtime: RuntimeDep,
    caller: CallerDep,
    x_model: ModelHeader = None,
) -> Response:
    """LangServe invoke: ``{"input": {"messages": [...]}}``; thread from ``X-Thread-Id``."""
    return await serve(request, runtime, caller, x_model, handler.invoke)


@router.post("/batch", openapi_extra=documented(BatchBody))
async def agent_batch(
    request: Request,
    handler: HandlerDep,
    runtime: RuntimeDep,
    caller: CallerDep,
    x_model: ModelHeader = None,
) -> Response:
    """LangServe batch: each input is a run on the thread from ``X-Thread-Id``, one at a time."""
    return await serve(request, runtime, caller, x_model, handler.batch)


@router.post(
    "/stream",
    openapi_extra=documented(InvokeBody),
    response_model=None,
    responses=sse_documented("LangServe's stream: metadata, data (node updates), end"),
)
async def agent_stream(
    request: Request,
    handler: HandlerDep,
    runtime: RuntimeDep,
    caller: CallerDep,
    x_model: ModelHeader = None,
) -> Response:
    """LangServe stream (server-sent events)."""
    return await serve(request, runtime, caller, x_model, handler.stream)


@router.post(
    "/stream_events",
    openapi_extra=documented(InvokeBody),
    response_model=None,
    responses=sse_documented("LangServe's stream_events: one event per callback event"),
)
async def agent_stream_events(
    request: Request,
    handler: HandlerDep,
    runtime: RuntimeDep,
    caller: CallerDep,
    x_model: ModelHeader = None,
) -> Response:
    """LangServe stream_events (server-sent events, token by token)."""
    return await serve(request, runtime, caller, x_model, handler.astream_events)


@router.get("/input_schema")
async def agent_input_schema(request: Request, handler: HandlerDep, _: CallerDep) -> Any:
    return await handler.input_schema(request)


@router.get("/output_schema")
async def agent_output_schema(request: Request, handler: HandlerDep, _: CallerDep) -> Any:
    return await handler.output_schema(request)


@router.get("/config_schema")
async def agent_config_schema(request: Request, handler: HandlerDep, _: CallerDep) -> Any:
    return await handler.config_schema(request)


@router.get("/playground/{file_path:path}", include_in_schema=False)
async def agent_playground(file_path: str, request: Request, handler: HandlerDep) -> Any:
    return await handler.playground(file_path, request)
