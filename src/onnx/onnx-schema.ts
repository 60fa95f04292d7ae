// The subset of ONNX's protobuf messages this project reads and writes, described for protobufjs.
// Field numbers and enum values are those of onnx/onnx.proto (proto2, so repeated scalars are unpacked).
import * as protobuf from 'protobufjs';

const unpacked = { packed: false };
const repeated = (type: string, id: number, scalar = false) =>
  scalar ? { rule: 'repeated', type, id, options: unpacked } : { rule: 'repeated', type, id };

const descriptor = {
  nested: {
    onnx: {
      nested: {
        AttributeType: {
          values: { UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            floats: repeated('float', 7, true),
            ints: repeated('int64', 8, true),
            strings: repeated('bytes', 9),
            docString: { type: 'string', id: 13 },
            type: { type: 'AttributeType', id: 20 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            docString: { type: 'string', id: 3 },
          },
        },
        NodeProto: {
          fields: {
            input: repeated('string', 1),
            output: repeated('string', 2),
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: repeated('AttributeProto', 5),
            docString: { type: 'string', id: 6 },
            domain: { type: 'string', id: 7 },
          },
        },
        StringStringEntryProto: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: repeated('OperatorSetIdProto', 8),
            metadataProps: repeated('StringStringEntryProto', 14),
          },
        },
        GraphProto: {
          fields: {
            node: repeated('NodeProto', 1),
            name: { type: 'string', id: 2 },
            initializer: repeated('TensorProto', 5),
            docString: { type: 'string', id: 10 },
            input: repeated('ValueInfoProto', 11),
            output: repeated('ValueInfoProto', 12),
            valueInfo: repeated('ValueInfoProto', 13),
          },
        },
        TensorProto: {
          fields: {
            dims: repeated('int64', 1, true),
            dataType: { type: 'int32', id: 2 },
            floatData: repeated('float', 4, true),
            int32Data: repeated('int32', 5, true),
            int64Data: repeated('int64', 7, true),
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
            docString: { type: 'string', id: 12 },
            externalData: repeated('StringStringEntryProto', 13),
            dataLocation: { type: 'int32', id: 14 },
          },
        },
        TensorShapeProto: {
          fields: { dim: repeated('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: { type: 'int64', id: 1 },
                dimParam: { type: 'string', id: 2 },
                denotation: { type: 'string', id: 3 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType', 'sequenceType'] } },
          fields: {
            tensorType: { type: 'Tensor', id: 1 },
            sequenceType: { type: 'Sequence', id: 4 },
            denotation: { type: 'string', id: 6 },
          },
          nested: {
            Tensor: {
              fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
            },
            Sequence: { fields: { elemType: { type: 'TypeProto', id: 1 } } },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
export const ModelProto = root.lookupType('onnx.ModelProto');
export const TensorProto = root.lookupType('onnx.TensorProto');

/** ONNX TensorProto.DataType codes for the dtypes the project uses. */
export const DATA_TYPE = { float32: 1, bool: 9, int64: 7 } as const;
/** AttributeProto.AttributeType codes. */
export const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7 } as const;
export const NodeProto = root.lookupType('onnx.NodeProto');
export const ValueInfoProto = root.lookupType('onnx.ValueInfoProto');
export const StringStringEntryProto = root.lookupType('onnx.StringStringEntryProto');
